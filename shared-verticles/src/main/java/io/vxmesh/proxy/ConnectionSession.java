package io.vxmesh.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.AsyncResult;
import io.vxmesh.common.IpAddress;
import io.vxmesh.compile.ConnectionFacts;
import io.vxmesh.compile.ProxyTable;
import io.vxmesh.compile.Decision;
import io.vxmesh.compile.Route;
import io.vxmesh.compile.Target;
import io.vxmesh.compile.Upstream;
import io.vxmesh.compile.UpstreamPolicy;
import io.vxmesh.compile.PortProtocol;
import io.netty.buffer.ByteBuf;
import io.vxmesh.proxy.protocol.ClientHello;
import io.vxmesh.proxy.protocol.HttpRequestHead;
import java.net.InetSocketAddress;
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
  /** Egress to a destination outside the mesh: SMI access control does not apply to it. */
  private boolean external;
  /** The facts the connection was decided with (with the ClientHello once inspected). */
  private ConnectionFacts decidedFacts;

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
    decide(facts, decision);
  }

  /** {@code decided}: the facts the decision was made with (with the ClientHello, once inspected). */
  private void decide(ConnectionFacts decided, Decision decision) {
    this.decidedFacts = decided;
    switch (decision) {
      case Decision.Reject r -> refuse(switch (r.reason()) {
        case NO_ROUTE -> CloseReason.NO_ROUTE;
        case DENIED -> CloseReason.DENIED;
        case LOOP -> CloseReason.LOOP;
        case NOT_MESH -> CloseReason.NOT_MESH;
        default -> CloseReason.REJECTED;
      }, r.reason().label(), r.detail());
      case Decision.Forward f -> forward(f);
      case Decision.Passthrough p -> {
        route = p.external() ? p.why() : "passthrough";
        upstreamHost = new Upstream(p.ip(), p.port(), "", "").toString();
        routeMeters = rt.metrics().route(origin.listener(), p.external() ? "egress" : "passthrough",
            "original_destination");
        external = p.external();
        connect(List.of(new Upstream(p.ip(), p.port(), "", p.identity())), UpstreamPolicy.DEFAULT);
      }
      case Decision.InspectTls t -> Inspection.run(downstream, intake, Inspection.DEFAULT_TIMEOUT_MS,
          ConnectionSession::probeTls, hello -> {
            if (hello instanceof ClientHello.Malformed m) {
              refuse(CloseReason.DENIED, "bad_client_hello", "TLS ClientHello could not be read: " + m.why());
              return;
            }
            ConnectionFacts.Tls tls = hello instanceof ClientHello.Hello h ? ConnectionFacts.Tls.hello(h.sni())
                : ConnectionFacts.Tls.NOT_TLS;
            ConnectionFacts inspected = facts.withTls(tls);
            decide(inspected, table.decide(inspected));
          }, failure -> inspectionFailed(failure, "a TLS ClientHello"));
      case Decision.HttpEgress h -> httpEgress(decided, h);
    }
  }

  /** HTTP ports: the client's first bytes must be an HTTP request (or the HTTP/2 preface). */
  private static boolean needsHttp(PortProtocol p) {
    return p == PortProtocol.HTTP || p == PortProtocol.HTTP2 || p == PortProtocol.GRPC;
  }

  private static ClientHello.Result probeTls(ByteBuf held, boolean exhausted) {
    ClientHello.Result r = ClientHello.parse(held);
    if (r instanceof ClientHello.NeedMore) {
      return exhausted ? (held.isReadable() ? new ClientHello.Malformed("incomplete: the client stopped after "
          + held.readableBytes() + " bytes") : new ClientHello.NotTls("no bytes")) : null;
    }
    return r;
  }

  static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Waits for the first request head on an HTTP port; raw bytes get 400 and the connection closes. */
  private void expectHttp(Runnable then) {
    Inspection.run(downstream, intake, Inspection.DEFAULT_TIMEOUT_MS, (held, exhausted) -> {
      if (startsWith(held, H2_PREFACE)) {
        return held.readableBytes() >= H2_PREFACE.length ? "" : null;
      }
      HttpRequestHead.Result r = HttpRequestHead.parse(held, HttpEgressProxy.MAX_HEAD);
      return switch (r) {
        case HttpRequestHead.Head h -> "";
        case HttpRequestHead.NotHttp n -> "not an HTTP request: " + n.why();
        case HttpRequestHead.Malformed m -> "malformed HTTP request: " + m.why();
        case HttpRequestHead.NeedMore n -> exhausted ? (held.isReadable() ? "incomplete HTTP request head" : "no bytes")
            : null;
      };
    }, problem -> {
      if (problem.isEmpty()) {
        then.run();
      } else if (problem.equals("no bytes")) {
        finish(CloseReason.DOWNSTREAM_CLOSED, "client closed before sending a request", 0, 0);
        downstream.close();
      } else {
        badRequest(problem);
      }
    }, failure -> inspectionFailed(failure, "an HTTP request head"));
  }

  private static boolean startsWith(ByteBuf held, byte[] prefix) {
    int n = Math.min(held.readableBytes(), prefix.length);
    if (n == 0) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (held.getByte(held.readerIndex() + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Raw bytes on an HTTP port are not relayed: the client gets 400 and the connection closes. */
  private void badRequest(String why) {
    rt.metrics().rejected(origin.listener(), "bad_request");
    downstream.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(
        "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nserver: vxmesh\r\nconnection: close\r\n\r\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
        .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
    finish(CloseReason.BAD_REQUEST, why + " (port " + facts.destinationPort() + " is HTTP)", 0, 0);
  }

  private void inspectionFailed(Inspection.Failure failure, String what) {
    if (failure == Inspection.Failure.TIMEOUT) {
      refuse(CloseReason.DETECTION_TIMEOUT, "detection_timeout", "the client sent no complete " + what + " within "
          + Inspection.DEFAULT_TIMEOUT_MS + " ms");
    } else {
      finish(CloseReason.DOWNSTREAM_CLOSED, "client left before sending " + what, 0, 0);
      downstream.close();
    }
  }

  /** HTTP egress: the connection is handed to an HTTP/1 proxy that checks every request. */
  private void httpEgress(ConnectionFacts decided, Decision.HttpEgress h) {
    route = "http egress";
    upstreamHost = new Upstream(h.ip(), h.port(), "", "").toString();
    routeMeters = rt.metrics().route(origin.listener(), "egress", "original_destination");
    external = true;
    new HttpEgressProxy(rt, downstream, decided, h, routeMeters, UpstreamPolicy.DEFAULT_IDLE_TIMEOUT_MS,
        (reason, detail, ex, down, up) -> {
          if (!ex.route().equals("-")) {
            route = ex.route();
            upstreamHost = ex.host();
          }
          upstreamAddress = ex.upstream();
          attempts = ex.connects();
          finish(reason, detail, down, up);
        }).start(intake);
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
    // SMI first: a denied client is closed at once, before anything is read from it.
    List<Upstream> allowed = direction == ListenerRole.Direction.INBOUND || !table.access().enforced()
        ? target.endpoints()
        : target.endpoints().stream().filter(u -> table.access().allowsOutbound(u.identity(), u.port())).toList();
    if (allowed.isEmpty()) {
      Upstream u = target.endpoints().get(0);
      upstreamAddress = u.toString();
      refuse(CloseReason.DENIED, "denied", deniedDetail(u));
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
    if (needsHttp(f.protocol())) {
      expectHttp(() -> connect(allowed, target.policy()));
    } else {
      connect(allowed, target.policy());
    }
  }

  private String deniedDetail(Upstream u) {
    String self = table.access().self().isEmpty() ? "a proxy without a service account" : table.access().self();
    return self + " may not reach " + (u.identity().isEmpty() ? "unmeshed " + u : u.identity()) + " on port "
        + u.port() + " (no TrafficTarget allows it)";
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
    if (direction != ListenerRole.Direction.INBOUND && !external
        && !table.access().allowsOutbound(u.identity(), u.port())) {
      refuse(CloseReason.DENIED, "denied", deniedDetail(u));
      return;
    }
    attempts++;
    InetSocketAddress address = new InetSocketAddress(u.ip().toInetAddress(), u.port());
    rt.upstreams().connect(downstream.eventLoop(), address, policy.connectTimeoutMs())
        .onComplete(ar -> connected(ar, order, budget, policy));
  }

  private void connected(AsyncResult<Channel> ar, List<Upstream> order, int budget, UpstreamPolicy policy) {
    if (ar.succeeded()) {
      Channel upstream = ar.result();
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
    if (external) {
      // Egress: still allowed if the new table would pass this connection through as well.
      if (!(next.decide(decidedFacts) instanceof Decision.Passthrough p && p.external())) {
        relay.abort(CloseReason.DENIED, "egress access revoked by mesh version " + next.version());
      }
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
        origin.listener(), downstreamAddress(),
        new Upstream(facts.destination(), facts.destinationPort(), "", "").toString(), origin.gateways(), route, upstreamHost,
        upstreamAddress, fromDownstream, fromUpstream, attempts, reason, detail));
  }

  /** The client's address as {@code ip:port} ({@code [ip]:port} for IPv6). */
  private String downstreamAddress() {
    int port = downstream.remoteAddress() instanceof InetSocketAddress a ? a.getPort() : 0;
    return new Upstream(peer, port, "", "").toString();
  }
}
