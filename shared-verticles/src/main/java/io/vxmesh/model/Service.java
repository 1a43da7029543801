package io.vxmesh.model;

import java.util.List;
import java.util.Map;

/** A v1 Service: its virtual IPs, selector and ports. */
public record Service(
    ObjectMeta meta,
    Origin origin,
    String type,
    List<String> clusterIPs,
    boolean headless,
    Map<String, String> selector,
    List<Port> ports) implements Resource {

  public Service {
    clusterIPs = List.copyOf(clusterIPs);
    selector = selector == null ? null : Map.copyOf(selector);
    ports = List.copyOf(ports);
  }

  /** A Service port. {@code appProtocol} and {@code name} decide how the mesh treats it. */
  public record Port(String name, String protocol, int port, PortRef targetPort, String appProtocol) {}

  /** True when the Service selects pods (as opposed to one with manually managed endpoints). */
  public boolean hasSelector() {
    return selector != null && !selector.isEmpty();
  }

  @Override
  public Kind kind() {
    return Kind.SERVICE;
  }
}
