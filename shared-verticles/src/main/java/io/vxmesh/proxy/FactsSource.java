package io.vxmesh.proxy;

import io.netty.channel.Channel;
import io.vxmesh.common.IpAddress;
import io.vxmesh.compile.ConnectionFacts;
import java.net.InetSocketAddress;

/** How a listener learns where an accepted connection was headed. */
@FunctionalInterface
public interface FactsSource {

  ConnectionFacts facts(Channel accepted, int listenerPort) throws Exception;

  /** A gateway: the destination is the gateway's own address and the listener port. */
  static FactsSource local() {
    return (ch, port) -> {
      InetSocketAddress local = (InetSocketAddress) ch.localAddress();
      return new ConnectionFacts(port, IpAddress.of(local.getAddress().getAddress()), port);
    };
  }
}
