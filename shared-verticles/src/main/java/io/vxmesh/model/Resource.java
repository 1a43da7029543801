package io.vxmesh.model;

/** A parsed, typed, immutable Kubernetes object of one of the {@link Kind}s vxmesh reads. */
public sealed interface Resource
    permits Service, EndpointSlice, Pod, Gateway, VirtualService, DestinationRule,
        TrafficTarget, SmiTcpRoute, HttpRouteGroup, Egress, MeshConfig {

  Kind kind();

  ObjectMeta meta();

  Origin origin();

  default ResourceKey key() {
    return new ResourceKey(kind(), meta().namespace(), meta().name());
  }

  /** "Kind namespace/name", for messages. */
  default String describe() {
    return key().toString();
  }
}
