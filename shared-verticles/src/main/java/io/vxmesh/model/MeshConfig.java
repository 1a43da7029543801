package io.vxmesh.model;

/** The OSM MeshConfig fields vxmesh honours; each is null when the manifest does not set it. */
public record MeshConfig(
    ObjectMeta meta,
    Origin origin,
    Boolean enablePermissiveTrafficPolicyMode,
    Boolean enableEgress,
    Boolean enableEgressPolicy) implements Resource {

  /** The name OSM gives the mesh-wide MeshConfig. */
  public static final String NAME = "osm-mesh-config";

  @Override
  public Kind kind() {
    return Kind.MESH_CONFIG;
  }
}
