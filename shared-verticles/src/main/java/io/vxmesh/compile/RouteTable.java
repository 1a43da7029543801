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
    return decide(destination, null);
  }

  /**
   * First match wins. A tls rule needs the connection's ClientHello: when {@code tls} is null (not
   * inspected yet) and such a rule is reached, the decision is to inspect, then decide again.
   */
  public Decision decide(IpAddress destination, ConnectionFacts.Tls tls) {
    for (CompiledRule rule : rules) {
      if (rule.needsSni() && tls == null) {
        return new Decision.InspectTls("rule " + rule.ref() + " of " + name + " matches by server name");
      }
      if (rule.matches(destination, tls == null || !tls.isTls() ? null : tls.sni())) {
        return new Decision.Forward(rule.ref(), rule.route(), protocol);
      }
    }
    if (fallback != null) {
      return new Decision.Forward(null, fallback, protocol);
    }
    return new Decision.Reject(Decision.Reason.NO_ROUTE, "no rule of " + name + " matches");
  }
}
