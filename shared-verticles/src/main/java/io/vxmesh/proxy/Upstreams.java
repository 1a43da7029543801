package io.vxmesh.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolverGroup;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;

/**
 * Opens upstream connections as bare Netty channels on the event loop of the connection they serve,
 * with the transport Vert.x was built with (io_uring or epoll, see --transport), buffers from
 * {@link RelayBuffers#RELAY} (Vert.x's pooled allocator, with the big read buffers recycled per
 * thread), read as {@link ReadSizing#RELAY} says.
 * No Vert.x NetSocket wraps them: a relayed connection only needs its channel, and a NetSocket
 * costs about 5 KB of heap per connection (its write queue alone 4 KB) plus a hand-off per write.
 *
 * <p>A channel arrives with auto-read off, TCP_NODELAY (Netty's default), and a {@link Tail} as the
 * last handler; whoever takes it adds handlers before the tail. A FIN closes it unless its new
 * owner allows half-closure (the relay does). Host names (HTTP egress) are resolved by Vert.x's
 * resolver, off the event loop.
 *
 * <p>On epoll, an IPv4 destination gets an AF_INET socket: Netty's default is a dual-stack AF_INET6
 * socket, which costs every upstream connection an {@code IPV6_V6ONLY} system call and the kernel's
 * v4-mapped address handling. Netty 4.2's io_uring channel has no such choice: there every
 * upstream socket is dual-stack.
 */
public final class Upstreams {
  private final ChannelFactory<? extends Channel> channels;
  private final ChannelFactory<? extends Channel> ipv4Channels;
  private final AddressResolverGroup<InetSocketAddress> resolver;

  private Upstreams(ChannelFactory<? extends Channel> channels, ChannelFactory<? extends Channel> ipv4Channels,
      AddressResolverGroup<InetSocketAddress> resolver) {
    this.channels = channels;
    this.ipv4Channels = ipv4Channels;
    this.resolver = resolver;
  }

  public static Upstreams of(Vertx vertx) {
    VertxInternal vx = (VertxInternal) vertx;
    ChannelFactory<? extends Channel> channels = vx.transport().channelFactory(false);
    ChannelFactory<? extends Channel> ipv4 = vx.transport() instanceof io.vertx.core.impl.transports.EpollTransport
        ? () -> new io.netty.channel.epoll.EpollSocketChannel(io.netty.channel.socket.SocketProtocolFamily.INET)
        : channels;
    return new Upstreams(channels, ipv4, vx.nameResolver().nettyAddressResolverGroup());
  }

  /** Whether IPv4 destinations get a socket of their own family (epoll), for tests. */
  boolean ipv4Sockets() {
    return ipv4Channels != channels;
  }

  /**
   * Connects to {@code address} on {@code loop}; an unresolved address (a host name) is resolved
   * first. Fails with Netty's {@link io.netty.channel.ConnectTimeoutException} after
   * {@code timeoutMs}. The future completes on {@code loop}.
   */
  public Future<Channel> connect(EventLoop loop, InetSocketAddress address, long timeoutMs) {
    Promise<Channel> promise = Promise.promise();
    if (address.isUnresolved()) {
      resolver.getResolver(loop).resolve(address).addListener(resolved -> onLoop(loop, () -> {
        if (resolved.isSuccess()) {
          open(loop, (InetSocketAddress) resolved.getNow(), timeoutMs, promise);
        } else {
          promise.fail(resolved.cause());
        }
      }));
    } else {
      open(loop, address, timeoutMs, promise);
    }
    return promise.future();
  }

  /**
   * Makes, registers and connects the channel here, without a Netty Bootstrap (whose option maps
   * and resolver lookup would be built per connection).
   */
  private void open(EventLoop loop, InetSocketAddress address, long timeoutMs, Promise<Channel> promise) {
    Channel ch = (address.getAddress() instanceof java.net.Inet4Address ? ipv4Channels : channels).newChannel();
    ChannelConfig c = ch.config();
    c.setAllocator(RelayBuffers.RELAY);
    c.setRecvByteBufAllocator(ReadSizing.RELAY);
    c.setAutoRead(false);
    c.setConnectTimeoutMillis((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeoutMs)));
    ch.pipeline().addLast(Tail.NAME, Tail.INSTANCE);
    loop.register(ch).addListener(registered -> {
      if (!registered.isSuccess()) {
        completed(ch, registered, promise);
        return;
      }
      ch.connect(address).addListener(done -> completed(ch, done, promise));
    });
  }

  /** The session that asked is confined to {@code loop}: its answer is given there. */
  private static void onLoop(EventLoop loop, Runnable r) {
    if (loop.inEventLoop()) {
      r.run();
    } else {
      loop.execute(r);
    }
  }

  private static void completed(Channel ch, io.netty.util.concurrent.Future<?> done, Promise<Channel> promise) {
    if (done.isSuccess()) {
      promise.complete(ch);
    } else {
      ch.close();
      promise.fail(done.cause());
    }
  }

}
