package io.vxmesh.proxy;

import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vxmesh.compile.ConnectionFacts;
import io.vxmesh.compile.Decision;
import io.vxmesh.compile.ProxyTable;
import io.vxmesh.common.Addresses;
import io.vxmesh.common.IpAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A TCP listener: one instance per event loop shares the port. Each accepted connection is decided
 * with the table in force at that moment and handed to a {@link ConnectionSession}. Undeploying
 * stops accepting and drains: open connections keep flowing for the drain timeout.
 */
public final class ListenerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(ListenerVerticle.class.getName());

  private final ProxyRuntime rt;
  private final String name;
  private final String host;
  private final int port;
  private final ListenerRole role;
  private NetServer server;
  /** Sessions of this instance (one event loop) that are relaying; re-authorised on every new table. */
  private final java.util.Set<ConnectionSession> live = new java.util.HashSet<>();

  /**
   * @param name  the listener's name in logs and metrics, e.g. {@code gateway:19000}
   * @param port  0 picks a free port (tests); see {@link #actualPort()}
   */
  public ListenerVerticle(ProxyRuntime rt, String name, String host, int port, ListenerRole role) {
    this.rt = rt;
    this.name = name;
    this.host = host;
    this.port = port;
    this.role = role;
  }

  @Override
  public Future<?> start() {
    NetServerOptions options = new NetServerOptions()
        .setHost(host)
        .setPort(port)
        .setTcpNoDelay(true)
        .setReuseAddress(true)
        .setAcceptBacklog(1024);
    server = vertx.createNetServer(options).connectHandler(this::accept);
    vertx.eventBus().<TableRef.Applied>localConsumer(Addresses.TABLE, msg -> {
      ProxyTable next = msg.body().table();
      for (ConnectionSession s : java.util.List.copyOf(live)) {
        s.revalidate(next);
      }
    });
    return server.listen();
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void accept(NetSocket socket) {
    Channel ch = Sockets.channel(socket);
    // From here on the connection's bytes are ours: held until the upstream is connected.
    Intake intake = Intake.install(ch);
    socket.exceptionHandler(e -> LOG.log(Level.FINE, "connection error on " + name, e));
    ProxyTable table = rt.tables().table();
    ConnectionFacts facts;
    try {
      facts = role.facts(ch, port == 0 ? server.actualPort() : port);
    } catch (Exception e) {
      LOG.warning(name + ": cannot tell where the connection from " + ch.remoteAddress()
          + " was going (" + e.getMessage() + "); closing it");
      Sockets.reset(ch);
      return;
    }
    InetSocketAddress peer = (InetSocketAddress) ch.remoteAddress();
    IpAddress peerIp = IpAddress.of(peer.getAddress().getAddress());
    Decision decision = role.decide(table, facts, peerIp);
    new ConnectionSession(rt, new ConnectionSession.Origin(name, role.gateways(table, facts)), table,
        role.direction(), peerIp, live, intake, ch, facts).start(decision);
  }

  @Override
  public Future<?> stop() {
    if (server == null) {
      return Future.succeededFuture();
    }
    return server.shutdown(rt.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }
}
