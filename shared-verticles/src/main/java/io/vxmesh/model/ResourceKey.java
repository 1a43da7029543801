package io.vxmesh.model;

import java.util.Comparator;

/** Identity of a resource, as the API server keys it. */
public record ResourceKey(Kind kind, String namespace, String name) implements Comparable<ResourceKey> {

  private static final Comparator<ResourceKey> ORDER = Comparator
      .comparing(ResourceKey::kind)
      .thenComparing(ResourceKey::namespace)
      .thenComparing(ResourceKey::name);

  @Override
  public int compareTo(ResourceKey o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return kind.kindName() + " " + namespace + "/" + name;
  }
}
