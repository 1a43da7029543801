package io.vxmesh.compile;

import io.vxmesh.common.IpAddress;
import java.util.List;

/**
 * The rules for one listener port (gateway) or one service port (sidecar), first match wins;
 * {@code fallback} is the default route (sidecars) or null (gateways close the connection);
 * {@code protocol} is the mesh protocol of the port (gateway listeners: TCP).
 */
public record RouteTable(String name, List<CompiledRule> rules, Route fallback, PortProtocol protocol) {

  public RouteTable {
    rules = List.copyOf(rules);
  }

  public RouteTable(String name, List<CompiledRule> rules, Route fallback) {
    this(name, rules, fallback, PortProtocol.TCP);
  }

  public Decision decide(IpAddress destination) {
    for (CompiledRule rule : rules) {
      if (rule.matches(destination)) {
        return new Decision.Forward(rule.ref(), rule.route(), protocol);
      }
    }
    if (fallback != null) {
      return new Decision.Forward(null, fallback, protocol);
    }
    return new Decision.Reject(Decision.Reason.NO_ROUTE, "no rule of " + name + " matches");
  }
}
