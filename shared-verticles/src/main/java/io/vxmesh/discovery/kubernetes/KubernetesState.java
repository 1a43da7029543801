package io.vxmesh.discovery.kubernetes;

import io.vxmesh.model.Kind;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.model.Resource;
import io.vxmesh.model.ResourceKey;
import io.vxmesh.resource.Finding;
import io.vxmesh.resource.ResourceParser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What the Kubernetes source knows: per object, the version in force and what the parser said about
 * the latest one, kept in step with the informers' stores. Same semantics as the resource directory:
 * a resource refused by admission keeps its previous version (reported). Each object is converted
 * once per resourceVersion. Not thread-safe: one caller at a time.
 */
public final class KubernetesState {

  /** An object as an informer's store holds it; {@code convert} is called only when it changed. */
  public record Item(ResourceKey key, String resourceVersion, Supplier<ObjectConverter.Converted> convert) {}

  private record Entry(String resourceVersion, Resource admitted, List<Finding> findings) {}

  private final Map<ResourceKey, Entry> entries = new TreeMap<>();

  /**
   * Makes the objects of {@code kind} (in {@code namespace}, or all namespaces when null) exactly
   * {@code items}: new and changed ones are converted, the others kept, and objects the API server
   * no longer has are dropped (so deletions missed while disconnected are caught up).
   *
   * @return how many objects were dropped
   */
  public int sync(Kind kind, String namespace, List<Item> items) {
    Set<ResourceKey> present = new HashSet<>();
    for (Item item : items) {
      present.add(item.key());
      Entry old = entries.get(item.key());
      if (old != null && old.resourceVersion != null && old.resourceVersion.equals(item.resourceVersion())
          && !item.resourceVersion().isEmpty()) {
        continue;
      }
      put(item.convert().get(), item.resourceVersion());
    }
    return retain(kind, namespace, present);
  }

  /** An object was added or changed. */
  public void put(ObjectConverter.Converted c, String resourceVersion) {
    ResourceKey key = c.key();
    ResourceParser.Result r = c.result();
    Resource admitted = null;
    for (Resource res : r.resources()) {
      if (res.key().equals(key)) {
        admitted = res;
      }
    }
    List<Finding> findings = new ArrayList<>(r.findings());
    if (admitted == null && r.rejected().contains(key)) {
      Entry previous = entries.get(key);
      if (previous != null && previous.admitted != null) {
        admitted = previous.admitted;
        findings.add(new Finding(Finding.Severity.INFO, Finding.Code.INVALID_RESOURCE,
            ObjectConverter.origin(key.kind(), key.namespace(), key.name()).source(), key.toString(),
            "its previous version stays in force"));
      }
    }
    entries.put(key, new Entry(resourceVersion, admitted, List.copyOf(findings)));
  }

  /** Drops the objects of {@code kind} (in {@code namespace}, or all when null) not in {@code present}. */
  public int retain(Kind kind, String namespace, Set<ResourceKey> present) {
    int removed = 0;
    var it = entries.keySet().iterator();
    while (it.hasNext()) {
      ResourceKey k = it.next();
      if (k.kind() == kind && (namespace == null || namespace.equals(k.namespace())) && !present.contains(k)) {
        it.remove();
        removed++;
      }
    }
    return removed;
  }

  public int size() {
    return entries.size();
  }

  public MeshSnapshot snapshot(long revision) {
    List<Resource> resources = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.admitted != null) {
        resources.add(e.admitted);
      }
      findings.addAll(e.findings);
    }
    return new MeshSnapshot(revision, resources, findings);
  }
}
