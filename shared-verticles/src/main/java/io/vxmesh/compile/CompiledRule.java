package io.vxmesh.compile;

import io.vxmesh.common.Cidr;
import io.vxmesh.common.IpAddress;
import java.util.List;

/**
 * A rule with everything static for this proxy already decided. What is left is per connection:
 * {@code conditions} lists, per surviving match block, the destination subnets and (tls rules)
 * server names it requires, OR across blocks; an empty {@code conditions} list means the rule
 * matches every connection.
 */
public record CompiledRule(RuleRef ref, List<Condition> conditions, Route route) {

  public CompiledRule {
    conditions = List.copyOf(conditions);
  }

  /** One match block's per-connection part: empty lists restrict nothing. */
  public record Condition(List<Cidr> destinationSubnets, List<String> sniHosts) {
    public Condition {
      destinationSubnets = List.copyOf(destinationSubnets);
      sniHosts = List.copyOf(sniHosts);
    }

    boolean matches(IpAddress destination, String sni) {
      if (!destinationSubnets.isEmpty() && destinationSubnets.stream().noneMatch(c -> c.contains(destination))) {
        return false;
      }
      return sniHosts.isEmpty() || sniHosts.stream().anyMatch(h -> Hosts.matchesName(h, sni));
    }
  }

  /** True when the rule can only be decided with the ClientHello's server name. */
  public boolean needsSni() {
    for (Condition c : conditions) {
      if (!c.sniHosts().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** {@code sni}: the server name of the connection's ClientHello, null when none (or not TLS). */
  public boolean matches(IpAddress destination, String sni) {
    if (conditions.isEmpty()) {
      return true;
    }
    for (Condition c : conditions) {
      if (c.matches(destination, sni)) {
        return true;
      }
    }
    return false;
  }
}
