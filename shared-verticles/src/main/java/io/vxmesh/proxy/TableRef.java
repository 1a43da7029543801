package io.vxmesh.proxy;

import io.vxmesh.compile.ProxyIdentity;
import io.vxmesh.compile.ProxyTable;
import io.vxmesh.policy.VersionedMesh;

/**
 * The one reference through which listeners read the table in force. Written only by the table
 * verticle; read once per connection. A connection keeps the decision it was accepted with.
 */
public final class TableRef {

  /** What is in force: the table, and the mesh version it was last confirmed against. */
  public record Applied(ProxyTable table, VersionedMesh mesh) {
    public String version() {
      return mesh == null ? "" : mesh.version();
    }

    public long generation() {
      return mesh == null ? 0 : mesh.generation();
    }
  }

  private volatile Applied applied;

  public TableRef(ProxyIdentity identity) {
    this.applied = new Applied(ProxyTable.empty(identity), null);
  }

  public Applied applied() {
    return applied;
  }

  public ProxyTable table() {
    return applied.table();
  }

  /** True once a compiled mesh has been applied. */
  public boolean hasMesh() {
    return applied.mesh() != null;
  }

  void set(Applied next) {
    this.applied = next;
  }
}
