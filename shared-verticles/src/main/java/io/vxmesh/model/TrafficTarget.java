package io.vxmesh.model;

import java.util.List;

/** An SMI TrafficTarget: sources allowed to reach the destination identity over the referenced routes. */
public record TrafficTarget(
    ObjectMeta meta,
    Origin origin,
    IdentityRef destination,
    List<IdentityRef> sources,
    List<RuleRef> rules) implements Resource {

  public TrafficTarget {
    sources = List.copyOf(sources);
    rules = List.copyOf(rules);
  }

  /** A rule: a route resource by kind and name (in the TrafficTarget's namespace), optionally some of its matches. */
  public record RuleRef(String kind, String name, List<String> matches) {
    public RuleRef {
      matches = List.copyOf(matches);
    }
  }

  @Override
  public Kind kind() {
    return Kind.TRAFFIC_TARGET;
  }
}
