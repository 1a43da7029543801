package io.vxmesh.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.channel.uring.IoUringSocketChannel;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Where a redirected connection was going before iptables REDIRECT rewrote it: the kernel's
 * {@code SO_ORIGINAL_DST} (IPv4) or {@code IP6T_SO_ORIGINAL_DST} (IPv6), read through Netty's
 * raw socket options of its native transports, io_uring and epoll (no JNA, no JNI of our own).
 */
public final class OriginalDestination {
  private static final int SOL_IP = 0;
  private static final int SOL_IPV6 = 41;
  private static final int SO_ORIGINAL_DST = 80;
  private static final RawUnixChannelOption V4 = new RawUnixChannelOption("SO_ORIGINAL_DST", SOL_IP, SO_ORIGINAL_DST, 16);
  private static final RawUnixChannelOption V6 = new RawUnixChannelOption("IP6T_SO_ORIGINAL_DST", SOL_IPV6, SO_ORIGINAL_DST, 28);

  private OriginalDestination() {}

  public static InetSocketAddress of(Channel ch) throws IOException {
    if (!(ch instanceof EpollSocketChannel || ch instanceof IoUringSocketChannel)) {
      throw new IOException("the original destination needs a native transport, io_uring or epoll (got "
          + ch.getClass().getSimpleName() + ")");
    }
    boolean v4 = ((InetSocketAddress) ch.localAddress()).getAddress() instanceof Inet4Address;
    try {
      return v4 ? parseV4(ch.config().getOption(V4)) : parseV6(ch.config().getOption(V6));
    } catch (ChannelException e) {
      throw new IOException("SO_ORIGINAL_DST: " + e.getMessage()
          + " (was the connection redirected by iptables, with conntrack available?)", e);
    }
  }

  /** {@code struct sockaddr_in}: family (2), port (2, network order), address (4), zero (8). */
  static InetSocketAddress parseV4(ByteBuffer b) throws UnknownHostException {
    int base = b.position();
    int port = ((b.get(base + 2) & 0xFF) << 8) | (b.get(base + 3) & 0xFF);
    byte[] addr = new byte[4];
    for (int i = 0; i < 4; i++) {
      addr[i] = b.get(base + 4 + i);
    }
    return new InetSocketAddress(InetAddress.getByAddress(addr), port);
  }

  /** {@code struct sockaddr_in6}: family (2), port (2), flow info (4), address (16), scope (4). */
  static InetSocketAddress parseV6(ByteBuffer b) throws UnknownHostException {
    int base = b.position();
    int port = ((b.get(base + 2) & 0xFF) << 8) | (b.get(base + 3) & 0xFF);
    byte[] addr = new byte[16];
    for (int i = 0; i < 16; i++) {
      addr[i] = b.get(base + 8 + i);
    }
    return new InetSocketAddress(InetAddress.getByAddress(addr), port);
  }
}
