package io.vxmesh.common;

/** Event-bus addresses. Everything flows one way: snapshot -> mesh -> table. */
public final class Addresses {
  private Addresses() {}

  /** Discovery publishes {@link io.vxmesh.model.MeshSnapshot}s here (local). */
  public static final String SNAPSHOT = "vxmesh.snapshot";

  /** The policy verticle publishes {@link io.vxmesh.policy.VersionedMesh}es here (local). */
  public static final String MESH = "vxmesh.mesh";

  /** The table verticle publishes each applied {@link io.vxmesh.proxy.TableRef.Applied} here (local). */
  public static final String TABLE = "vxmesh.table";
}
