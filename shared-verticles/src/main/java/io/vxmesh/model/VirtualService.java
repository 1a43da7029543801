package io.vxmesh.model;

import io.vxmesh.common.Cidr;
import java.util.List;
import java.util.Map;

/**
 * An Istio VirtualService. vxmesh routes its {@code tcp} section; {@code tls} is parsed;
 * {@code http} routes are only counted, so that they can be reported where they cannot apply.
 */
public record VirtualService(
    ObjectMeta meta,
    Origin origin,
    List<String> hosts,
    List<String> gateways,
    List<L4Route> tcp,
    List<L4Route> tls,
    int httpRouteCount) implements Resource {

  /** The reserved gateway name meaning every sidecar of the mesh. */
  public static final String MESH = "mesh";

  public VirtualService {
    hosts = List.copyOf(hosts);
    gateways = List.copyOf(gateways);
    tcp = List.copyOf(tcp);
    tls = List.copyOf(tls);
  }

  /** One rule: OR of its match blocks (none = every connection), then the weighted destinations. */
  public record L4Route(List<L4Match> match, List<RouteDestination> route) {
    public L4Route {
      match = List.copyOf(match);
      route = List.copyOf(route);
    }
  }

  /**
   * One match block; its fields are ANDed. {@code port} 0 means any port; empty lists and maps mean
   * "not set". {@code sniHosts} is used by tls routes only.
   */
  public record L4Match(
      int port,
      List<Cidr> destinationSubnets,
      Map<String, String> sourceLabels,
      String sourceNamespace,
      List<String> gateways,
      List<String> sniHosts) {
    public L4Match {
      destinationSubnets = List.copyOf(destinationSubnets);
      sourceLabels = Map.copyOf(sourceLabels);
      sourceNamespace = sourceNamespace == null ? "" : sourceNamespace;
      gateways = List.copyOf(gateways);
      sniHosts = List.copyOf(sniHosts);
    }

    /** True when the block restricts nothing. */
    public boolean isEmpty() {
      return port == 0 && destinationSubnets.isEmpty() && sourceLabels.isEmpty()
          && sourceNamespace.isEmpty() && gateways.isEmpty() && sniHosts.isEmpty();
    }
  }

  /** {@code weight} is null when the field is absent. */
  public record RouteDestination(Destination destination, Integer weight) {}

  /** {@code port} 0 when absent; {@code subset} empty when absent. */
  public record Destination(String host, String subset, int port) {
    public Destination {
      subset = subset == null ? "" : subset;
    }
  }

  /** The gateways the VirtualService binds to; none written means {@code mesh}. */
  public List<String> effectiveGateways() {
    return gateways.isEmpty() ? List.of(MESH) : gateways;
  }

  @Override
  public Kind kind() {
    return Kind.VIRTUAL_SERVICE;
  }
}
