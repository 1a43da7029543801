package io.vxmesh.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Option;

/**
 * Flags both jars take. Each flag is also a key of the YAML configuration file and a
 * {@code VXMESH_*} environment variable; flags win over the environment, which wins over the file.
 */
public final class CommonOptions {

  @Option(names = "--resources", paramLabel = "DIR",
      description = "Directory of Kubernetes manifests (*.yaml, *.yml, *.json), watched for changes.")
  String resources;

  @Option(names = "--namespace", paramLabel = "NS", description = "Namespace of this proxy's pod.")
  String namespace;

  @Option(names = "--labels", paramLabel = "k=v[,k=v]", description = "Labels of this proxy's pod.")
  String labels;

  @Option(names = "--labels-file", paramLabel = "FILE",
      description = "Labels of this proxy's pod from a downward-API file (key=\"value\" per line); --labels win.")
  String labelsFile;

  @Option(names = "--admin", paramLabel = "IP:PORT",
      description = "Admin endpoint (/ready, /config_dump, /stats/prometheus). Default: 127.0.0.1:15000.")
  String admin;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML file with any of these settings.")
  String config;

  @Option(names = "--event-loops", paramLabel = "N", description = "Event-loop threads. Default: the CPU count.")
  Integer eventLoops;

  @Option(names = "--transport", paramLabel = "auto|io_uring|epoll|nio",
      description = "Network transport of the event loops. Default: auto (io_uring where the kernel allows it, else"
          + " epoll, else NIO).")
  String transport;

  @Option(names = "--access-log", paramLabel = "FILE|-|off",
      description = "Where the JSON access log goes: - (standard output, the default), off, or a file.")
  String accessLog;

  @Option(names = "--poll-interval", paramLabel = "DURATION",
      description = "How often the resource directory is scanned. Default: 500ms.")
  String pollInterval;

  @Option(names = "--drain-timeout", paramLabel = "DURATION",
      description = "How long a closed listener keeps serving its open connections. Default: 45s.")
  String drainTimeout;

  @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info (default), debug.")
  String logLevel;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Watch the Kubernetes API with this kubeconfig instead of --resources. In a pod, without"
          + " --resources or --kubeconfig, the service account's in-cluster configuration is used.")
  String kubeconfig;

  @Option(names = "--watch-namespaces", paramLabel = "NS[,NS]",
      description = "Namespaces the Kubernetes source watches. Default: all.")
  String watchNamespaces;

  @Option(names = "--cluster", description = "Join the vxmesh cluster (Hazelcast): one member leads discovery and"
      + " policy and every member applies the versions it publishes. A sidecar joins as a lite member fed by the"
      + " cluster.")
  Boolean cluster;

  @Option(names = "--cluster-members", paramLabel = "IP[:PORT],...",
      description = "TCP-IP member list. Default: DNS discovery through --cluster-dns.")
  String clusterMembers;

  @Option(names = "--cluster-host", paramLabel = "IP", description = "Address this member binds and announces.")
  String clusterHost;

  @Option(names = "--cluster-port", paramLabel = "N", description = "Port this member binds. Default: 5701.")
  Integer clusterPort;

  @Option(names = "--cluster-dns", paramLabel = "HOST",
      description = "DNS name of the headless Service listing the data members (used without --cluster-members)."
          + " Default: vxmesh-cluster.vxmesh-system.svc.cluster.local.")
  String clusterDns;

  @Option(names = "--cluster-bus-port", paramLabel = "N",
      description = "Port of this member's clustered event bus (0: any free port). Default: 5702.")
  Integer clusterBusPort;

  @Option(names = "--service-records", description = "Also publish the mesh's Services as Vert.x service-discovery"
      + " records (name host:port) for other Vert.x applications; in a cluster, from the leader.")
  Boolean serviceRecords;

  /** The flags that were given, as configuration keys. */
  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    put(o, "resources", resources);
    put(o, "namespace", namespace);
    put(o, "labels", labels);
    put(o, "labelsFile", labelsFile);
    put(o, "admin", admin);
    put(o, "config", config);
    put(o, "eventLoops", eventLoops);
    put(o, "transport", transport);
    put(o, "accessLog", accessLog);
    put(o, "pollInterval", pollInterval);
    put(o, "drainTimeout", drainTimeout);
    put(o, "logLevel", logLevel);
    put(o, "kubeconfig", kubeconfig);
    put(o, "watchNamespaces", watchNamespaces);
    put(o, "cluster", cluster);
    put(o, "clusterMembers", clusterMembers);
    put(o, "clusterHost", clusterHost);
    put(o, "clusterPort", clusterPort);
    put(o, "clusterDns", clusterDns);
    put(o, "clusterBusPort", clusterBusPort);
    put(o, "serviceRecords", serviceRecords);
    return o;
  }

  public static void put(JsonObject o, String key, Object value) {
    if (value != null) {
      o.put(key, value);
    }
  }
}
