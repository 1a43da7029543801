package io.vxmesh.model;

import java.util.List;

/** A v1 Pod: who it is (labels, service account) and where it is (pod IPs, container ports). */
public record Pod(
    ObjectMeta meta,
    Origin origin,
    String serviceAccount,
    List<String> podIPs,
    String phase,
    boolean ready,
    boolean hostNetwork,
    List<ContainerPort> containerPorts) implements Resource {

  public static final String DEFAULT_SERVICE_ACCOUNT = "default";

  public Pod {
    podIPs = List.copyOf(podIPs);
    containerPorts = List.copyOf(containerPorts);
  }

  public record ContainerPort(String name, int containerPort, String protocol) {}

  /** The primary pod IP, or null before the pod is scheduled. */
  public String podIP() {
    return podIPs.isEmpty() ? null : podIPs.get(0);
  }

  @Override
  public Kind kind() {
    return Kind.POD;
  }
}
