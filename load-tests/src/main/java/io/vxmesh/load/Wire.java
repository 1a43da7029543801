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
