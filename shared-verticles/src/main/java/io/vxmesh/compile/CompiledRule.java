package io.vxmesh.compile;

import io.vxmesh.common.Cidr;
import io.vxmesh.common.IpAddress;
import java.util.List;

/**
 * A rule with everything static for this proxy already decided. What is left is per connection:
 * {@code conditions} lists, per surviving match block, the destination subnets it requires
 * (OR across blocks); an empty {@code conditions} list means the rule matches every connection.
 */
public record CompiledRule(RuleRef ref, List<List<Cidr>> conditions, Route route) {

  public CompiledRule {
    conditions = conditions.stream().map(List::copyOf).toList();
  }

  public boolean matches(IpAddress destination) {
    if (conditions.isEmpty()) {
      return true;
    }
    for (List<Cidr> subnets : conditions) {
      for (Cidr c : subnets) {
        if (c.contains(destination)) {
          return true;
        }
      }
    }
    return false;
  }
}
