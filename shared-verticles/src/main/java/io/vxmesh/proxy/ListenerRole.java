package io.vxmesh.proxy;

import io.netty.channel.Channel;
import io.vxmesh.common.IpAddress;
import io.vxmesh.compile.ConnectionFacts;
import io.vxmesh.compile.Decision;
import io.vxmesh.compile.ProxyTable;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

/**
 * What differs between listeners: how a connection's facts are read (the gateway's own address, or
 * the original destination of a redirected connection) and how it is decided.
 */
public abstract class ListenerRole {

  /** Which way a listener's connections go; it decides how authorisation is checked. */
  public enum Direction { GATEWAY, OUTBOUND, INBOUND }

  private final Direction direction;

  ListenerRole(Direction direction) {
    this.direction = direction;
  }

  public Direction direction() {
    return direction;
  }

  abstract ConnectionFacts facts(Channel accepted, int listenerPort) throws Exception;

  abstract Decision decide(ProxyTable table, ConnectionFacts facts, IpAddress peer);

  /** The Gateway resources a connection came through (for the access log). */
  List<String> gateways(ProxyTable table, ConnectionFacts facts) {
    return List.of();
  }

  /** A gateway: the destination is the gateway's own address and the listener port. */
  public static ListenerRole gateway() {
    return new ListenerRole(Direction.GATEWAY) {
      @Override
      ConnectionFacts facts(Channel ch, int port) {
        InetSocketAddress local = (InetSocketAddress) ch.localAddress();
        return new ConnectionFacts(port, IpAddress.of(local.getAddress().getAddress()), port);
      }

      @Override
      Decision decide(ProxyTable table, ConnectionFacts facts, IpAddress peer) {
        return table.decide(facts);
      }

      @Override
      List<String> gateways(ProxyTable table, ConnectionFacts facts) {
        for (ProxyTable.Listener l : table.listeners()) {
          if (l.port() == facts.listenerPort()) {
            return l.gateways();
          }
        }
        return List.of();
      }
    };
  }

  /**
   * A sidecar's outbound capture: the original destination decides. Connections whose original
   * destination is one of the proxy's own ports would loop and are refused.
   */
  public static ListenerRole outbound(Set<Integer> proxyPorts) {
    return new ListenerRole(Direction.OUTBOUND) {
      @Override
      ConnectionFacts facts(Channel ch, int port) throws Exception {
        return redirected(ch, port);
      }

      @Override
      Decision decide(ProxyTable table, ConnectionFacts facts, IpAddress peer) {
        if (proxyPorts.contains(facts.destinationPort()) && isLocal(table, facts.destination())) {
          return new Decision.Reject(Decision.Reason.LOOP, "destination " + facts.destination() + ":"
              + facts.destinationPort() + " is this proxy");
        }
        return table.decide(facts);
      }
    };
  }

  /**
   * A sidecar's inbound capture: authorise the source, then deliver to the original destination
   * (the pod's address and the port the client asked for), or to 127.0.0.1 when
   * {@code toLocalhost} (for applications that listen on loopback only; opt-in).
   */
  public static ListenerRole inbound(Set<Integer> proxyPorts, boolean toLocalhost) {
    return new ListenerRole(Direction.INBOUND) {
      @Override
      ConnectionFacts facts(Channel ch, int port) throws Exception {
        return redirected(ch, port);
      }

      @Override
      Decision decide(ProxyTable table, ConnectionFacts facts, IpAddress peer) {
        if (proxyPorts.contains(facts.destinationPort())) {
          return new Decision.Reject(Decision.Reason.LOOP, "port " + facts.destinationPort() + " is this proxy's");
        }
        return table.decideInbound(facts, peer, toLocalhost);
      }
    };
  }

  static ConnectionFacts redirected(Channel ch, int port) throws Exception {
    InetSocketAddress od = OriginalDestination.of(ch);
    return new ConnectionFacts(port, IpAddress.of(od.getAddress().getAddress()), od.getPort());
  }

  static boolean isLocal(ProxyTable table, IpAddress ip) {
    if (!ip.v6() && (ip.lo() >>> 24) == 127) {
      return true;
    }
    if (ip.v6() && ip.hi() == 0 && ip.lo() == 1) {
      return true;
    }
    return table.isSelf(ip);
  }
}
