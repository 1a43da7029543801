package io.vxmesh.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connection, byte and failure counters per listener and route, in Prometheus form. Meters are
 * looked up once per listener/route/destination and cached; nothing is counted per read: bytes are
 * added when a connection closes.
 */
public final class ProxyMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentHashMap<String, ListenerMeters> listeners = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<RouteKey, RouteMeters> routes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> rejected = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private final AtomicLong configErrors = new AtomicLong();
  private final Counter configApplies;

  public ProxyMetrics() {
    Gauge.builder("vxmesh_mesh_generation", generation, AtomicLong::get)
        .description("Generation of the compiled mesh in force").register(registry);
    Gauge.builder("vxmesh_config_errors", configErrors, AtomicLong::get)
        .description("Findings of severity ERROR in the compiled mesh in force").register(registry);
    configApplies = Counter.builder("vxmesh_config_applies").description("Compiled mesh versions applied")
        .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public String scrape() {
    return registry.scrape();
  }

  public void applied(long gen, long errors) {
    generation.set(gen);
    configErrors.set(errors);
    configApplies.increment();
  }

  /** Per-listener meters; {@code listener} is e.g. {@code gateway:19000} or {@code outbound}. */
  public ListenerMeters listener(String listener) {
    return listeners.computeIfAbsent(listener, ListenerMeters::new);
  }

  public RouteMeters route(String listener, String route, String destination) {
    return routes.computeIfAbsent(new RouteKey(listener, route, destination), RouteMeters::new);
  }

  public void rejected(String listener, String reason) {
    rejected.computeIfAbsent(listener + "|" + reason, k -> Counter.builder("vxmesh_rejected_connections")
        .description("Connections refused before any byte was relayed")
        .tags("listener", listener, "reason", reason).register(registry)).increment();
  }

  private record RouteKey(String listener, String route, String destination) {}

  public final class ListenerMeters {
    public final Counter accepted;
    public final AtomicLong active = new AtomicLong();

    ListenerMeters(String listener) {
      accepted = Counter.builder("vxmesh_downstream_connections").description("Connections accepted")
          .tags("listener", listener).register(registry);
      Gauge.builder("vxmesh_downstream_connections_active", active, AtomicLong::get)
          .description("Connections open now").tags("listener", listener).register(registry);
    }
  }

  public final class RouteMeters {
    public final Counter connections;
    public final Counter bytesReceived;
    public final Counter bytesSent;
    public final Counter connectFailures;

    RouteMeters(RouteKey k) {
      Tags tags = Tags.of("listener", k.listener, "route", k.route, "destination", k.destination);
      connections = Counter.builder("vxmesh_route_connections").description("Connections forwarded by route")
          .tags(tags).register(registry);
      bytesReceived = Counter.builder("vxmesh_route_received_bytes")
          .description("Bytes received from clients, by route (counted at close)").tags(tags).register(registry);
      bytesSent = Counter.builder("vxmesh_route_sent_bytes")
          .description("Bytes sent to clients, by route (counted at close)").tags(tags).register(registry);
      connectFailures = Counter.builder("vxmesh_upstream_connect_failures")
          .description("Failed upstream connection attempts, by route").tags(tags).register(registry);
    }
  }
}
