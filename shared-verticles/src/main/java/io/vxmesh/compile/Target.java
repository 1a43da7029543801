package io.vxmesh.compile;

import java.util.List;

/** A resolved destination of a route: the endpoints of host:port (subset applied) and their policy. */
public record Target(String host, int port, String subset, int weight, UpstreamPolicy policy, List<Upstream> endpoints) {

  public Target {
    endpoints = List.copyOf(endpoints);
  }

  /** {@code echo-server.default.svc.cluster.local:19000} or {@code ...|gray}. */
  public String describe() {
    return host + ":" + port + (subset.isEmpty() ? "" : "|" + subset);
  }
}
