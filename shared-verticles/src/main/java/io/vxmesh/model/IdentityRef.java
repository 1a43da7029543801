package io.vxmesh.model;

/** A reference to a workload identity: in SMI and OSM always {@code kind: ServiceAccount}. */
public record IdentityRef(String kind, String name, String namespace) {

  @Override
  public String toString() {
    return kind + " " + namespace + "/" + name;
  }
}
