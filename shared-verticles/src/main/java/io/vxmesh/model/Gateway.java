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

  public record Server(Port port, List<String> hosts, String bind, String name) {
    public Server {
      hosts = List.copyOf(hosts);
    }
  }

  /** {@code protocol} is upper-cased: TCP, TLS, HTTP, HTTPS, HTTP2, GRPC, MONGO. */
  public record Port(int number, String protocol, String name) {}

  @Override
  public Kind kind() {
    return Kind.GATEWAY;
  }
}
