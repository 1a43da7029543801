package io.vxmesh.discovery.kubernetes;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.vxmesh.model.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * One kind the Kubernetes source watches: the API group, its plural (the URL path segment) and the
 * versions it accepts, most preferred first. A CRD kind is watched in the first version the API
 * server serves; the versions of one kind hold the same objects, so one is enough.
 */
public record WatchedKind(Kind kind, String plural) {

  /** Every kind vxmesh reads (MISSION.md), in the order they are watched. */
  public static final List<WatchedKind> ALL = List.of(
      new WatchedKind(Kind.SERVICE, "services"),
      new WatchedKind(Kind.ENDPOINT_SLICE, "endpointslices"),
      new WatchedKind(Kind.POD, "pods"),
      new WatchedKind(Kind.GATEWAY, "gateways"),
      new WatchedKind(Kind.VIRTUAL_SERVICE, "virtualservices"),
      new WatchedKind(Kind.DESTINATION_RULE, "destinationrules"),
      new WatchedKind(Kind.TRAFFIC_TARGET, "traffictargets"),
      new WatchedKind(Kind.TCP_ROUTE, "tcproutes"),
      new WatchedKind(Kind.HTTP_ROUTE_GROUP, "httproutegroups"),
      new WatchedKind(Kind.EGRESS, "egresses"),
      new WatchedKind(Kind.MESH_CONFIG, "meshconfigs"));

  public List<String> versions() {
    return kind.versions();
  }

  /** Built-in kinds (Service, Pod, EndpointSlice) are always served; CRDs may not be installed. */
  public boolean custom() {
    return !kind.group().isEmpty() && !kind.group().equals("discovery.k8s.io");
  }

  /** {@code group/version}, or just the version for the core group. */
  public String apiVersion(String version) {
    return kind.group().isEmpty() ? version : kind.group() + "/" + version;
  }

  public ResourceDefinitionContext context(String version) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(kind.group())
        .withVersion(version)
        .withKind(kind.kindName())
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }

  /** The kinds named by {@code --watch-kinds}-style lists (for tests); unknown names are refused. */
  public static List<WatchedKind> of(List<Kind> kinds) {
    List<WatchedKind> out = new ArrayList<>();
    for (WatchedKind w : ALL) {
      if (kinds.contains(w.kind)) {
        out.add(w);
      }
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return kind.kindName() + " (" + (kind.group().isEmpty() ? "core" : kind.group()) + ")";
  }
}
