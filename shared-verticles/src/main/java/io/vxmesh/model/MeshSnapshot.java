package io.vxmesh.model;

import io.vxmesh.resource.Finding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Everything discovery knows at one moment: the admitted resources (sorted by key) and what the
 * parser and admission had to say. Immutable; {@code revision} counts the snapshots of one source.
 */
public record MeshSnapshot(long revision, List<Resource> resources, List<Finding> findings) {

  public MeshSnapshot {
    List<Resource> sorted = new ArrayList<>(resources);
    sorted.sort(Comparator.comparing(Resource::key));
    resources = List.copyOf(sorted);
    findings = List.copyOf(findings);
  }

  public static MeshSnapshot of(List<? extends Resource> resources) {
    return new MeshSnapshot(0, List.copyOf(resources), List.of());
  }

  @SuppressWarnings("unchecked")
  public <T extends Resource> List<T> ofKind(Kind kind) {
    List<T> out = new ArrayList<>();
    for (Resource r : resources) {
      if (r.kind() == kind) {
        out.add((T) r);
      }
    }
    return out;
  }

  /** Same resources and findings, whatever the revision. */
  public boolean sameContent(MeshSnapshot other) {
    return other != null && resources.equals(other.resources) && findings.equals(other.findings);
  }
}
