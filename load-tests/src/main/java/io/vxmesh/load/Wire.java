package io.vxmesh.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * The driver's byte path runs in small Netty handlers placed ahead of Vert.x's own handler, so that
 * neither the driver nor the backends copy buffers to the heap or allocate per read: a measurement
 * of a proxy must not be limited by the tool that drives it.
 */
final class Wire {
  /** The name Vert.x gives its handler in every connection pipeline. */
  private static final String VERTX_HANDLER = "handler";
  static final String NAME = "vxmesh-load";

  private Wire() {}

  static Channel channel(NetSocket socket) {
    return ((NetSocketInternal) socket).channelHandlerContext().channel();
  }

  /** Installs {@code handler} on the socket's channel; it sees every byte before Vert.x does. */
  static Channel tap(NetSocket socket, ChannelHandler handler) {
    Channel ch = channel(socket);
    ch.pipeline().addBefore(VERTX_HANDLER, NAME, handler);
    return ch;
  }

  /**
   * A listening channel on Vert.x's event loops and transport (native epoll), without Vert.x's
   * NetServer (its acceptor thread hands every connection to an event loop, and each gets a
   * NetSocket): each accepted channel gets half-closure and {@code handler}'s handler. For
   * connection-rate runs the backend must cost as little per connection as the proxies.
   */
  static io.netty.channel.ChannelFuture listen(io.vertx.core.Vertx vertx, String host, int port,
      java.util.function.Function<Channel, ? extends ChannelHandler> handler) {
    io.vertx.core.internal.VertxInternal vx = (io.vertx.core.internal.VertxInternal) vertx;
    io.netty.bootstrap.ServerBootstrap b = new io.netty.bootstrap.ServerBootstrap()
        .group(vx.acceptorEventLoopGroup(), vx.nettyEventLoopGroup())
        .channelFactory(vx.transport().serverChannelFactory(false))
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childHandler(new io.netty.channel.ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(NAME, handler.apply(ch));
          }
        });
    return b.bind(host, port);
  }

  /**
   * Connects a bare channel on {@code loop} (no NetClient, no NetSocket) with {@code handler} as its
   * only handler; the handler sees {@code channelActive} once connected.
   */
  static io.netty.channel.ChannelFuture connect(io.vertx.core.Vertx vertx, io.netty.channel.EventLoop loop,
      String host, int port, int timeoutMs, ChannelHandler handler) {
    io.vertx.core.internal.VertxInternal vx = (io.vertx.core.internal.VertxInternal) vertx;
    return new io.netty.bootstrap.Bootstrap()
        .group(loop)
        .channelFactory(vx.transport().channelFactory(false))
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMs)
        .handler(handler)
        .connect(new java.net.InetSocketAddress(host, port));
  }

  static void allowHalfClosure(Channel ch) {
    ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
  }

  /**
   * A direct buffer of {@code size} bytes of a repeating pattern, shared by all writers: each write
   * sends a {@link ByteBuf#duplicate() duplicate} (own indexes, same memory, release is a no-op).
   */
  static ByteBuf pattern(int size) {
    ByteBuf b = Unpooled.directBuffer(size, size);
    for (int i = 0; i < size; i++) {
      b.writeByte('a' + i % 26);
    }
    return Unpooled.unreleasableBuffer(b);
  }
}
