package io.vxmesh.model;

import java.util.List;

/** A discovery.k8s.io/v1 EndpointSlice, tied to its Service by the {@code kubernetes.io/service-name} label. */
public record EndpointSlice(
    ObjectMeta meta,
    Origin origin,
    String serviceName,
    String addressType,
    List<Port> ports,
    List<Endpoint> endpoints) implements Resource {

  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  public EndpointSlice {
    ports = List.copyOf(ports);
    endpoints = List.copyOf(endpoints);
  }

  /** A port of the slice; {@code name} matches the Service port's name. */
  public record Port(String name, int port, String protocol, String appProtocol) {}

  /** An endpoint; a missing {@code ready} condition means ready, as the API says. */
  public record Endpoint(List<String> addresses, boolean ready, TargetRef targetRef) {
    public Endpoint {
      addresses = List.copyOf(addresses);
    }
  }

  public record TargetRef(String kind, String namespace, String name) {}

  @Override
  public Kind kind() {
    return Kind.ENDPOINT_SLICE;
  }
}
