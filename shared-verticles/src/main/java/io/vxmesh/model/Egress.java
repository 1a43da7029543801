package io.vxmesh.model;

import io.vxmesh.common.Cidr;
import java.util.List;

/** An OSM Egress policy: which identities may reach which external hosts, addresses and ports. */
public record Egress(
    ObjectMeta meta,
    Origin origin,
    List<IdentityRef> sources,
    List<String> hosts,
    List<Cidr> ipAddresses,
    List<Port> ports,
    List<MatchRef> matches) implements Resource {

  public Egress {
    sources = List.copyOf(sources);
    hosts = List.copyOf(hosts);
    ipAddresses = List.copyOf(ipAddresses);
    ports = List.copyOf(ports);
    matches = List.copyOf(matches);
  }

  /** {@code protocol}: http, https, tcp or tcp-server-first (lower case). */
  public record Port(int number, String protocol) {}

  /** A reference to an HTTPRouteGroup in the Egress's namespace. */
  public record MatchRef(String apiGroup, String kind, String name) {}

  @Override
  public Kind kind() {
    return Kind.EGRESS;
  }
}
