package io.vxmesh.model;

import java.util.List;

/** An SMI TCPRoute: the ports it allows; no ports means every port. */
public record SmiTcpRoute(ObjectMeta meta, Origin origin, List<Integer> ports) implements Resource {

  public SmiTcpRoute {
    ports = List.copyOf(ports);
  }

  @Override
  public Kind kind() {
    return Kind.TCP_ROUTE;
  }
}
