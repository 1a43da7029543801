package io.vxmesh.proxy;

import java.time.Duration;

/**
 * The process-wide services every listener shares: the table in force, metrics, access log,
 * readiness, the upstream client and the random source. Created once at start-up and handed to
 * verticles; there are no static singletons.
 *
 * @param upstreams opens upstream channels on the event loop of the connection they serve; it
 *                  belongs to no verticle, so undeploying a listener (which drains it) never closes
 *                  the upstream side of connections still being served
 */
public record ProxyRuntime(
    TableRef tables,
    ProxyMetrics metrics,
    AccessLog accessLog,
    Readiness readiness,
    RandomSource random,
    ConnectionLimits limits,
    Upstreams upstreams,
    Duration drainTimeout) {

  /** Connect attempts per connection, across endpoints of the chosen destination. */
  public static final int MAX_CONNECT_ATTEMPTS = 3;

  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(45);
}
