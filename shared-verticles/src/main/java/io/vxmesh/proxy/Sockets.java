package io.vxmesh.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.net.NetSocket;
import io.vertx.core.internal.net.NetSocketInternal;

/** Channel-level operations Vert.x's NetSocket does not offer: half-close, reset, raw channel access. */
public final class Sockets {
  /** The name Vert.x gives its handler in every connection pipeline. */
  static final String VERTX_HANDLER = "handler";

  private Sockets() {}

  public static Channel channel(NetSocket socket) {
    return ((NetSocketInternal) socket).channelHandlerContext().channel();
  }

  /** Keep the channel open when the peer sends FIN, so that the other direction can finish. */
  static void allowHalfClosure(Channel ch) {
    ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
  }

  /** Closes with RST (SO_LINGER 0): the peer sees the connection refused, never a byte. */
  static void reset(Channel ch) {
    if (ch.isActive()) {
      try {
        ch.config().setOption(ChannelOption.SO_LINGER, 0);
      } catch (RuntimeException ignored) {
        // a transport without SO_LINGER: a plain close is the best we can do
      }
    }
    ch.close();
  }
}
