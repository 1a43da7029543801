package io.vxmesh.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioChannelOption;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.impl.transports.NioTransport;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.spi.transport.Transport;
import io.vxmesh.compile.ConnectionFacts;
import io.vxmesh.compile.Decision;
import io.vxmesh.compile.ProxyTable;
import io.vxmesh.common.Addresses;
import io.vxmesh.common.IpAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A TCP listener: one instance per event loop, each with its own listening socket on the port
 * (SO_REUSEPORT, so the kernel spreads new connections over the event loops, as Envoy's workers
 * do), accepting on its own event loop: no acceptor thread, no hand-off between threads. Accepted
 * connections are bare Netty channels (no Vert.x NetSocket; see {@link Upstreams} for why), each
 * decided with the table in force at that moment and handed to a {@link ConnectionSession}.
 * Undeploying closes the listening socket and drains: open connections keep flowing for the drain
 * timeout, then those still open are closed.
 *
 * <p>Port 0 picks a free port for this instance alone (tests deploy one instance).
 */
public final class ListenerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(ListenerVerticle.class.getName());

  private final ProxyRuntime rt;
  private final String name;
  private final String host;
  private final int port;
  private final ListenerRole role;
  private Channel server;
  private int boundPort;
  /** Accepted channels still open (all on this instance's event loop). */
  private final Set<Channel> open = new HashSet<>();
  /** Sessions of this instance that are relaying; re-authorised on every new table. */
  private final Set<ConnectionSession> live = new HashSet<>();
  private Promise<Void> drained;
  private ScheduledFuture<?> drainDeadline;

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
    VertxInternal vx = (VertxInternal) vertx;
    EventLoop loop = ((ContextInternal) context).nettyEventLoop();
    Transport transport = vx.transport();
    ServerBootstrap b = new ServerBootstrap()
        .group(loop, loop)
        .channelFactory(transport.serverChannelFactory(false))
        .childOption(ChannelOption.ALLOCATOR, RelayBuffers.RELAY)
        .childOption(ChannelOption.AUTO_READ, false) // the Intake decides when to read
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, ReadSizing.RELAY)
        .childHandler(new Accepted());
    transport.configure(new NetServerOptions()
        .setReuseAddress(true)
        .setReusePort(true)
        .setAcceptBacklog(1024), false, b);
    if (transport instanceof NioTransport) {
      // Vert.x sets SO_REUSEPORT on the native transports only; every event loop binds the port.
      b.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
    }
    // Vert.x also sets every per-connection option to its default value (keep-alive, cork,
    // quick-ack, no-delay), one system call each per accepted connection; the kernel's defaults are
    // those already, and Netty turns TCP_NODELAY on by itself.
    for (ChannelOption<?> o : List.copyOf(b.config().childOptions().keySet())) {
      if (o != ChannelOption.ALLOCATOR && o != ChannelOption.AUTO_READ && o != ChannelOption.RCVBUF_ALLOCATOR) {
        b.childOption(o, null);
      }
    }
    vertx.eventBus().<TableRef.Applied>localConsumer(Addresses.TABLE, msg -> {
      ProxyTable next = msg.body().table();
      for (ConnectionSession s : List.copyOf(live)) {
        s.revalidate(next);
      }
    });
    Promise<Void> bound = Promise.promise();
    ChannelFuture binding = b.bind(host, port);
    binding.addListener(f -> {
      if (f.isSuccess()) {
        server = binding.channel();
        boundPort = ((InetSocketAddress) server.localAddress()).getPort();
        bound.complete();
      } else {
        bound.fail(f.cause());
      }
    });
    return bound.future();
  }

  public int actualPort() {
    return boundPort;
  }

  /** Installed on each accepted channel: registers it, then hands it over once it is active. */
  @ChannelHandler.Sharable
  private final class Accepted extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Channel ch = ctx.channel();
      ctx.pipeline().replace(this, Tail.NAME, Tail.INSTANCE);
      open.add(ch);
      ch.closeFuture().addListener(f -> closed(ch));
      if (drained != null) {
        Sockets.reset(ch); // accepted just before the listening socket closed
        return;
      }
      accept(ch);
      ctx.fireChannelActive();
    }
  }

  private void accept(Channel ch) {
    // From here on the connection's bytes are ours: held until the upstream is connected.
    Intake intake = Intake.install(ch);
    ProxyTable table = rt.tables().table();
    ConnectionFacts facts;
    try {
      facts = role.facts(ch, boundPort);
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

  private void closed(Channel ch) {
    open.remove(ch);
    if (drained != null && open.isEmpty()) {
      if (drainDeadline != null) {
        drainDeadline.cancel(false);
      }
      drained.tryComplete();
    }
  }

  @Override
  public Future<?> stop() {
    if (server == null) {
      return Future.succeededFuture();
    }
    drained = Promise.promise();
    server.close().addListener(f -> {
      if (open.isEmpty()) {
        drained.tryComplete();
        return;
      }
      long ms = rt.drainTimeout().toMillis();
      drainDeadline = server.eventLoop().schedule(() -> {
        LOG.info(name + ": drain timeout (" + ms + " ms) reached; closing " + open.size() + " connection(s)");
        for (Channel ch : List.copyOf(open)) {
          ch.close();
        }
      }, ms, TimeUnit.MILLISECONDS);
    });
    return drained.future();
  }
}
