package io.vxmesh.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;

/** Channel-level operations: half-close and reset. */
public final class Sockets {
  private Sockets() {}

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
