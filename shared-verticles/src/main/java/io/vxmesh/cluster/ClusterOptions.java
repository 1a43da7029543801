package io.vxmesh.cluster;

import java.util.List;

/**
 * How this process joins the cluster: a TCP-IP member list ({@code --cluster-members}; local runs
 * and tests) or, when empty, Hazelcast's Kubernetes DNS discovery through the headless Service
 * {@code dns} ({@code --cluster-dns}); {@code host} and {@code port} bind this member
 * ({@code --cluster-host}, {@code --cluster-port}). Lite members (sidecars) hold no data.
 */
public record ClusterOptions(List<String> members, String host, int port, String dns, boolean lite) {

  public static final int DEFAULT_PORT = 5701;
  public static final String DEFAULT_DNS = "vxmesh-cluster.vxmesh-system.svc.cluster.local";
  /** The Hazelcast cluster name: only vxmesh members join each other. */
  public static final String CLUSTER_NAME = "vxmesh";

  public ClusterOptions {
    members = List.copyOf(members);
    host = host == null || host.isBlank() ? null : host;
    dns = dns == null || dns.isBlank() ? DEFAULT_DNS : dns;
  }
}
