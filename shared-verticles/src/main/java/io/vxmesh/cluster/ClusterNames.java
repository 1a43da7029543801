package io.vxmesh.cluster;

/** Names shared by every member: keep them stable across versions that may run side by side. */
public final class ClusterNames {
  private ClusterNames() {}

  /** Clustered event-bus address on which the leader publishes each version (JSON text, {@link MeshWire}). */
  public static final String MESH_ADDRESS = "vxmesh.cluster.mesh";

  /** Cluster map holding the latest version under {@link #LATEST}, for late joiners and new leaders. */
  public static final String MESH_MAP = "vxmesh.cluster.meshes";
  public static final String LATEST = "latest";
  /** The generation of {@link #LATEST}, small, so members can check for a version they missed. */
  public static final String GENERATION = "generation";

  /** The cluster-wide lock its holder leads with: discovery and policy run only there. */
  public static final String LEADER_LOCK = "vxmesh.cluster.leader";

  /** Counts leaderships; each leader's epoch, for logs and the published versions. */
  public static final String EPOCH_COUNTER = "vxmesh.cluster.epoch";

  /** Header on versions a member received from the cluster, so the leader never republishes them. */
  public static final String ORIGIN_HEADER = "vxmesh-origin";
  public static final String ORIGIN_CLUSTER = "cluster";
}
