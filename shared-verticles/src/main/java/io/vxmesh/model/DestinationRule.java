package io.vxmesh.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** An Istio DestinationRule: subsets of a host's endpoints by pod labels, and TCP connection settings. */
public record DestinationRule(
    ObjectMeta meta,
    Origin origin,
    String host,
    TrafficPolicy trafficPolicy,
    List<Subset> subsets) implements Resource {

  public DestinationRule {
    subsets = List.copyOf(subsets);
  }

  public record Subset(String name, Map<String, String> labels, TrafficPolicy trafficPolicy) {
    public Subset {
      labels = Map.copyOf(labels);
    }
  }

  /** {@code connectionPool.tcp}: any field may be null when not written. */
  public record TrafficPolicy(Duration connectTimeout, Integer maxConnections, Duration idleTimeout) {
    public static final TrafficPolicy NONE = new TrafficPolicy(null, null, null);

    /** Fields of {@code override} that are set win over this one's. */
    public TrafficPolicy overriddenBy(TrafficPolicy override) {
      if (override == null) {
        return this;
      }
      return new TrafficPolicy(
          override.connectTimeout != null ? override.connectTimeout : connectTimeout,
          override.maxConnections != null ? override.maxConnections : maxConnections,
          override.idleTimeout != null ? override.idleTimeout : idleTimeout);
    }
  }

  @Override
  public Kind kind() {
    return Kind.DESTINATION_RULE;
  }
}
