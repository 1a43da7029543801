package io.vxmesh.policy;

import io.vxmesh.compile.CompiledMesh;

/**
 * A compiled mesh with its place in the sequence. Generations only grow; {@link #version()} is what
 * admin endpoints, logs and cluster members report: {@code <generation>-<digest>}.
 */
public record VersionedMesh(long generation, CompiledMesh mesh) {

  public String version() {
    return generation + "-" + mesh.digest();
  }
}
