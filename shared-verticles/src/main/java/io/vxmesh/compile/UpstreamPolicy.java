package io.vxmesh.compile;

import java.time.Duration;

/**
 * Connection settings for an upstream, from DestinationRule {@code connectionPool.tcp}.
 * Milliseconds; {@code idleTimeoutMs} 0 means no idle timeout; {@code maxConnections} 0 means no limit.
 */
public record UpstreamPolicy(long connectTimeoutMs, long idleTimeoutMs, int maxConnections) {

  public static final long DEFAULT_CONNECT_TIMEOUT_MS = Duration.ofSeconds(10).toMillis();
  public static final long DEFAULT_IDLE_TIMEOUT_MS = Duration.ofHours(1).toMillis();

  public static final UpstreamPolicy DEFAULT =
      new UpstreamPolicy(DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, 0);

  public static UpstreamPolicy from(io.vxmesh.model.DestinationRule.TrafficPolicy tp) {
    if (tp == null) {
      return DEFAULT;
    }
    return new UpstreamPolicy(
        tp.connectTimeout() == null ? DEFAULT_CONNECT_TIMEOUT_MS : Math.max(1, tp.connectTimeout().toMillis()),
        tp.idleTimeout() == null ? DEFAULT_IDLE_TIMEOUT_MS : tp.idleTimeout().toMillis(),
        tp.maxConnections() == null ? 0 : tp.maxConnections());
  }
}
