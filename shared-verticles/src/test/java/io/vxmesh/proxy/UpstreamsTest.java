package io.vxmesh.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.NetServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Upstream channels: on epoll, an IPv4 destination is reached from an AF_INET socket. */
class UpstreamsTest {
  private Vertx vertx;
  private NetServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1)).build();
    server = vertx.createNetServer().connectHandler(s -> s.handler(s::write))
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void anIpv4DestinationGetsAnAfInetSocketOnEpoll() throws Exception {
    assumeTrue(io.netty.channel.epoll.Epoll.isAvailable() && vertx.isNativeTransportEnabled(),
        "needs Netty's native epoll transport");
    assumeTrue(Files.isReadable(Path.of("/proc/net/tcp6")), "needs Linux /proc/net/tcp and tcp6");
    InetSocketAddress target = new InetSocketAddress("127.0.0.1", server.actualPort());
    EventLoop loop = ((ContextInternal) vertx.getOrCreateContext()).nettyEventLoop().next();

    // The control: Netty's default epoll socket is dual-stack AF_INET6, listed in tcp6 only (where
    // IPv6 is off or IPv4 preferred it is AF_INET already, and this test would prove nothing).
    Channel plain = new io.netty.channel.epoll.EpollSocketChannel();
    loop.register(plain).syncUninterruptibly();
    plain.connect(target).syncUninterruptibly();
    try {
      int local = ((InetSocketAddress) plain.localAddress()).getPort();
      assumeTrue(listed(Path.of("/proc/net/tcp6"), local, target.getPort()),
          "Netty's default socket here is not AF_INET6 (IPv6 off or IPv4 preferred)");
    } finally {
      plain.close().syncUninterruptibly();
    }

    Upstreams upstreams = Upstreams.of(vertx);
    assertTrue(upstreams.ipv4Sockets(), "epoll: IPv4 destinations get AF_INET sockets");
    Channel ch = upstreams.connect(loop, target, 5_000).await(10, TimeUnit.SECONDS);
    try {
      assertTrue(ch.isActive());
      int local = ((InetSocketAddress) ch.localAddress()).getPort();
      // An AF_INET socket is listed in /proc/net/tcp; a dual-stack AF_INET6 one only in tcp6.
      assertTrue(listed(Path.of("/proc/net/tcp"), local, target.getPort()), "local port " + local + " in /proc/net/tcp");
      assertEquals(false, listed(Path.of("/proc/net/tcp6"), local, target.getPort()), "and not in /proc/net/tcp6");
    } finally {
      ch.close().syncUninterruptibly();
    }
  }

  /** Whether a socket from this local port to this remote port is in a /proc/net/tcp{,6} table. */
  private static boolean listed(Path table, int localPort, int remotePort) throws IOException {
    if (!Files.isReadable(table)) {
      return false;
    }
    String local = ":" + String.format(Locale.ROOT, "%04X", localPort);
    String remote = ":" + String.format(Locale.ROOT, "%04X", remotePort);
    return Files.readAllLines(table).stream().skip(1)
        .map(l -> l.trim().split("\\s+"))
        .anyMatch(f -> f.length > 2 && f[1].endsWith(local) && f[2].endsWith(remote));
  }
}
