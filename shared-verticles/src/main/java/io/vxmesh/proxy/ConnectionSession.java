package io.vxmesh.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.AsyncResult;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vxmesh.common.IpAddress;
import io.vxmesh.compile.ConnectionFacts;
import io.vxmesh.compile.ProxyTable;
import io.vxmesh.compile.Decision;
import io.vxmesh.compile.Route;
import io.vxmesh.compile.Target;
import io.vxmesh.compile.Upstream;
import io.vxmesh.compile.UpstreamPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * One accepted connection, from decision to close: decide with the table in force at accept,
 * pick a destination by weight and an endpoint, connect with the destination's timeout (trying
 * other endpoints on failure, a bounded number of times), relay, then write one access-log record
 * and the metrics. Refusals reset the client before any byte is sent. Runs on one event loop.
 */
final class ConnectionSession {

  /** Where this session was accepted: the listener's name for logs and metrics, and its gateways. */
  record Origin(String listener, List<String> gateways) {}

  private final ProxyRuntime rt;
  private final Origin origin;
  private final ProxyTable table;
  private final ListenerRole.Direction direction;
  private final IpAddress peer;
  private final java.util.Set<ConnectionSession> live;
  private final Channel downstream;
  private final Intake intake;
  private final ConnectionFacts facts;
  private final ProxyMetrics.ListenerMeters listenerMeters;
  private final long startMillis = System.currentTimeMillis();
  private final long startNanos = System.nanoTime();

  private String route = "-";
  private String upstreamHost = "-";
  private String upstreamAddress = "-";
  private ProxyMetrics.RouteMeters routeMeters;
  private String limitKey;
  private int attempts;
  private boolean done;
  private Upstream connected;
  private Relay relay;

  /**
   * @param table the table in force at accept: the connection is decided and authorised with it
   * @param live  the listener's open sessions, re-authorised when a new table is applied
   */
  ConnectionSession(ProxyRuntime rt, Origin origin, ProxyTable table, ListenerRole.Direction direction,
      IpAddress peer, java.util.Set<ConnectionSession> live, Intake intake, Channel downstream,
      ConnectionFacts facts) {
    this.rt = rt;
    this.origin = origin;
    this.table = table;
    this.direction = direction;
    this.peer = peer;
    this.live = live;
    this.intake = intake;
    this.downstream = downstream;
    this.facts = facts;
    this.listenerMeters = rt.metrics().listener(origin.listener());
  }

  void start(Decision decision) {
    listenerMeters.accepted.increment();
    listenerMeters.active.incrementAndGet();
    switch (decision) {
      case Decision.Reject r -> refuse(switch (r.reason()) {
        case NO_ROUTE -> CloseReason.NO_ROUTE;
        case DENIED -> CloseReason.DENIED;
        case LOOP -> CloseReason.LOOP;
        default -> CloseReason.REJECTED;
      }, r.reason().label(), r.detail());
      case Decision.Forward f -> forward(f);
      case Decision.Passthrough p -> {
        route = "passthrough";
        upstreamHost = p.ip() + ":" + p.port();
        routeMeters = rt.metrics().route(origin.listener(), route, "original_destination");
        connect(List.of(new Upstream(p.ip(), p.port(), "", p.identity())), UpstreamPolicy.DEFAULT);
      }
    }
  }

  private void forward(Decision.Forward f) {
    route = f.rule() == null ? "default" : f.rule().toString();
    Route r = f.route();
    if (r.totalWeight() <= 0) {
      refuse(CloseReason.NO_ROUTE, "no_route", "route " + route + " has no destination with weight");
      return;
    }
    Target target = r.pick(rt.random().nextInt(r.totalWeight()));
    upstreamHost = target.describe();
    routeMeters = rt.metrics().route(origin.listener(), route, upstreamHost);
    if (target.endpoints().isEmpty()) {
      refuse(CloseReason.NO_ENDPOINTS, "no_endpoints", upstreamHost + " has no ready endpoint");
      return;
    }
    int max = target.policy().maxConnections();
    if (max > 0) {
      if (!rt.limits().tryAcquire(upstreamHost, max)) {
        refuse(CloseReason.OVERFLOW, "overflow", upstreamHost + " already has " + max + " connections (maxConnections)");
        return;
      }
      limitKey = upstreamHost;
    }
    connect(target.endpoints(), target.policy());
  }

  /** Tries up to {@link ProxyRuntime#MAX_CONNECT_ATTEMPTS} distinct endpoints, starting at a random one. */
  private void connect(List<Upstream> endpoints, UpstreamPolicy policy) {
    List<Upstream> order = new ArrayList<>(endpoints.size());
    int first = endpoints.size() == 1 ? 0 : rt.random().nextInt(endpoints.size());
    for (int i = 0; i < endpoints.size(); i++) {
      order.add(endpoints.get((first + i) % endpoints.size()));
    }
    attempt(order, Math.min(ProxyRuntime.MAX_CONNECT_ATTEMPTS, order.size()), policy);
  }

  private void attempt(List<Upstream> order, int budget, UpstreamPolicy policy) {
    Upstream u = order.get(attempts);
    upstreamAddress = u.toString();
    if (direction != ListenerRole.Direction.INBOUND && !table.access().allowsOutbound(u.identity(), u.port())) {
      refuse(CloseReason.DENIED, "denied", table.access().self() + " may not reach "
          + (u.identity().isEmpty() ? "unmeshed " + u : u.identity()) + " on port " + u.port()
          + " (no TrafficTarget allows it)");
      return;
    }
    attempts++;
    ConnectOptions options = new ConnectOptions()
        .setRemoteAddress(SocketAddress.inetSocketAddress(u.port(), u.ip().toString()))
        .setTimeout((int) Math.min(Integer.MAX_VALUE, policy.connectTimeoutMs()));
    rt.upstreams().connect(options).onComplete(ar -> connected(ar, order, budget, policy));
  }

  private void connected(AsyncResult<NetSocket> ar, List<Upstream> order, int budget, UpstreamPolicy policy) {
    if (ar.succeeded()) {
      Channel upstream = Sockets.channel(ar.result());
      if (!downstream.isActive()) {
        upstream.close();
        finish(CloseReason.DOWNSTREAM_CLOSED, "client left while connecting", 0, 0);
        return;
      }
      connected = order.get(attempts - 1);
      relay = new Relay(downstream, upstream, policy.idleTimeoutMs(), this::finish);
      live.add(this);
      relay.start(intake);
      return;
    }
    routeMeters.connectFailures.increment();
    if (attempts < budget && downstream.isActive()) {
      attempt(order, budget, policy);
      return;
    }
    boolean timeout = ar.cause() instanceof ConnectTimeoutException;
    refuse(timeout ? CloseReason.CONNECT_TIMEOUT : CloseReason.CONNECT_FAILED,
        timeout ? "connect_timeout" : "connect_failed",
        attempts + " attempt(s), last to " + upstreamAddress + ": " + ar.cause().getMessage());
  }

  private void refuse(CloseReason reason, String label, String detail) {
    rt.metrics().rejected(origin.listener(), label);
    Sockets.reset(downstream);
    finish(reason, detail, 0, 0);
  }

  /**
   * A new table is in force: the connection keeps its route, but if its authorisation was revoked
   * (SMI policy removed, permissive mode switched off) it is closed now.
   */
  void revalidate(ProxyTable next) {
    if (relay == null || done) {
      return;
    }
    boolean allowed = direction == ListenerRole.Direction.INBOUND
        ? next.access().allowsInbound(next.sourceIdentity(peer), facts.destinationPort())
        : next.access().allowsOutbound(connected.identity(), connected.port());
    if (!allowed) {
      relay.abort(CloseReason.DENIED, "authorisation revoked by mesh version " + next.version());
    }
  }

  private void finish(CloseReason reason, String detail, long fromDownstream, long fromUpstream) {
    if (done) {
      return;
    }
    done = true;
    live.remove(this);
    listenerMeters.active.decrementAndGet();
    if (limitKey != null) {
      rt.limits().release(limitKey);
    }
    if (routeMeters != null) {
      routeMeters.connections.increment();
      routeMeters.bytesReceived.increment(fromDownstream);
      routeMeters.bytesSent.increment(fromUpstream);
    }
    rt.accessLog().log(new AccessRecord(startMillis, (System.nanoTime() - startNanos) / 1_000_000,
        origin.listener(), String.valueOf(downstream.remoteAddress()).replaceFirst("^/", ""),
        facts.destination() + ":" + facts.destinationPort(), origin.gateways(), route, upstreamHost,
        upstreamAddress, fromDownstream, fromUpstream, attempts, reason, detail));
  }
}
