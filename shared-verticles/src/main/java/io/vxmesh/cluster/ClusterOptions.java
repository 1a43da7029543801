package io.vxmesh.cluster;

import java.util.List;

/**
 * How this process joins the cluster: a TCP-IP member list ({@code --cluster-members}; local runs
 * and tests) or, when empty, Hazelcast's Kubernetes DNS discovery through the headless Service
 * {@code dns} ({@code --cluster-dns}); {@code host} and {@code port} bind this member
 * ({@code --cluster-host}, {@code --cluster-port}). Lite members (sidecars) hold no data.
 */
public record ClusterOptions(List<String> members, String host, int port, String dns, boolean lite, int busPort) {

  public static final int DEFAULT_PORT = 5701;
  /**
   * The clustered event bus's port (members connect to each other's): fixed, so that a pod's
   * capture rules can leave it alone (the injector excludes it with 5701). 0 = any free port.
   */
  public static final int DEFAULT_BUS_PORT = 5702;
  public static final String DEFAULT_DNS = "vxmesh-cluster.vxmesh-system.svc.cluster.local";
  /** The Hazelcast cluster name: only vxmesh members join each other. */
  public static final String CLUSTER_NAME = "vxmesh";

  public ClusterOptions {
    members = List.copyOf(members);
    host = host == null || host.isBlank() ? null : host;
    dns = dns == null || dns.isBlank() ? DEFAULT_DNS : dns;
  }

  /** A member whose event bus takes any free port (tests, several members on one host). */
  public ClusterOptions(List<String> members, String host, int port, String dns, boolean lite) {
    this(members, host, port, dns, lite, 0);
  }
}
