package io.vxmesh.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;

/** Channel-level operations: half-close and reset (read sizing is {@link ReadSizing}). */
public final class Sockets {
  private Sockets() {}

  /**
   * Whether the channel stays open when the peer sends FIN (so that the other direction can
   * finish). Off, Netty closes the channel on FIN instead of shutting its read side.
   */
  static void allowHalfClosure(Channel ch, boolean allow) {
    if (ch.config() instanceof DuplexChannelConfig c) {
      c.setAllowHalfClosure(allow);
    } else {
      ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, allow);
    }
  }

  /**
   * Sends FIN: shuts the channel's output, which must have nothing left to flush. On a native
   * (epoll) channel the socket is shut directly: Netty's own shutdownOutput() creates an exception
   * with a stack trace each time to fail writes that cannot be pending here. Returns false when
   * the output was already shut; a socket that cannot be shut (reset meanwhile) is closed.
   */
  static boolean shutdownOutput(Channel ch) {
    if (!(ch instanceof DuplexChannel dc) || dc.isOutputShutdown()) {
      return false;
    }
    if (ch instanceof UnixChannel uc && uc.fd() instanceof Socket socket) {
      try {
        socket.shutdown(false, true);
        return true;
      } catch (IOException e) {
        ch.close();
        return false;
      }
    }
    dc.shutdownOutput();
    return true;
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
