package io.vxmesh.model;

import java.util.List;

/** The resource kinds vxmesh reads, with the API group and the versions it accepts for each. */
public enum Kind {
  SERVICE("", "Service", List.of("v1")),
  ENDPOINT_SLICE("discovery.k8s.io", "EndpointSlice", List.of("v1")),
  POD("", "Pod", List.of("v1")),
  GATEWAY("networking.istio.io", "Gateway", List.of("v1", "v1beta1", "v1alpha3")),
  VIRTUAL_SERVICE("networking.istio.io", "VirtualService", List.of("v1", "v1beta1", "v1alpha3")),
  DESTINATION_RULE("networking.istio.io", "DestinationRule", List.of("v1", "v1beta1", "v1alpha3")),
  TRAFFIC_TARGET("access.smi-spec.io", "TrafficTarget", List.of("v1alpha3", "v1alpha2")),
  TCP_ROUTE("specs.smi-spec.io", "TCPRoute", List.of("v1alpha4", "v1alpha3")),
  HTTP_ROUTE_GROUP("specs.smi-spec.io", "HTTPRouteGroup", List.of("v1alpha4", "v1alpha3")),
  EGRESS("policy.openservicemesh.io", "Egress", List.of("v1alpha1")),
  MESH_CONFIG("config.openservicemesh.io", "MeshConfig", List.of("v1alpha3", "v1alpha2", "v1alpha1"));

  private final String group;
  private final String kindName;
  private final List<String> versions;

  Kind(String group, String kindName, List<String> versions) {
    this.group = group;
    this.kindName = kindName;
    this.versions = versions;
  }

  public String group() {
    return group;
  }

  /** The Kubernetes {@code kind} field, e.g. {@code VirtualService}. */
  public String kindName() {
    return kindName;
  }

  public List<String> versions() {
    return versions;
  }

  /** The preferred {@code apiVersion}, e.g. {@code networking.istio.io/v1}. */
  public String apiVersion() {
    return group.isEmpty() ? versions.get(0) : group + "/" + versions.get(0);
  }

  /** The kind for an {@code apiVersion}'s group and a {@code kind}, or null when vxmesh does not read it. */
  public static Kind lookup(String group, String kind) {
    for (Kind k : values()) {
      if (k.group.equals(group) && k.kindName.equals(kind)) {
        return k;
      }
    }
    return null;
  }
}
