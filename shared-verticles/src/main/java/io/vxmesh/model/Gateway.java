package io.vxmesh.model;

import java.util.List;
import java.util.Map;

/** An Istio Gateway: the proxies it selects and the servers (ports) they expose. */
public record Gateway(ObjectMeta meta, Origin origin, Map<String, String> selector, List<Server> servers)
    implements Resource {

  public Gateway {
    selector = Map.copyOf(selector);
    servers = List.copyOf(servers);
  }

  /** {@code tlsMode}: the server's {@code tls.mode} upper-cased (PASSTHROUGH, SIMPLE, ...), "" when absent. */
  public record Server(Port port, List<String> hosts, String bind, String name, String tlsMode) {
    public Server {
      hosts = List.copyOf(hosts);
      tlsMode = tlsMode == null ? "" : tlsMode;
    }

    public Server(Port port, List<String> hosts, String bind, String name) {
      this(port, hosts, bind, name, "");
    }

    /** A server vxmesh listens for: plain TCP, or TLS passed through to the backends as it is. */
    public boolean isL4() {
      return port.protocol().equals("TCP") || (port.protocol().equals("TLS") && tlsMode.equals("PASSTHROUGH"));
    }
  }

  /** {@code protocol} is upper-cased: TCP, TLS, HTTP, HTTPS, HTTP2, GRPC, MONGO. */
  public record Port(int number, String protocol, String name) {}

  @Override
  public Kind kind() {
    return Kind.GATEWAY;
  }
}
