package io.vxmesh.config;

import io.vertx.core.json.JsonObject;
import io.vxmesh.common.Durations;
import io.vxmesh.common.Labels;
import io.vxmesh.compile.ProxyIdentity;
import java.nio.file.Path;
import io.vxmesh.cluster.ClusterOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The process configuration, typed and checked, from the merged configuration (defaults, YAML file,
 * {@code VXMESH_*} environment, flags; later wins). Keys are the long flag names in camelCase:
 * {@code resources}, {@code namespace}, {@code labels}, {@code adminAddress}, ...
 */
public record ProxyConfig(
    ProxyIdentity.Role role,
    Path resources,
    String namespace,
    Map<String, String> labels,
    String pod,
    String serviceAccount,
    String address,
    String adminHost,
    int adminPort,
    int outboundPort,
    int inboundPort,
    boolean inboundToLocalhost,
    int eventLoops,
    Duration pollInterval,
    String accessLog,
    Duration drainTimeout,
    String logLevel,
    Source source,
    String kubeconfig,
    List<String> watchNamespaces,
    boolean cluster,
    List<String> clusterMembers,
    String clusterHost,
    int clusterPort,
    String clusterDns,
    boolean serviceRecords,
    int clusterBusPort) {

  /** Where this process learns the mesh from. */
  public enum Source {
    /** {@code --resources DIR} */
    DIRECTORY,
    /** {@code --kubeconfig FILE}, or the in-cluster configuration in a pod */
    KUBERNETES,
    /** Nothing of its own: fed by the cluster ({@code --cluster}) */
    CLUSTER
  }

  /** Set by the launcher when {@code KUBERNETES_SERVICE_HOST} is in the environment (a pod). */
  public static final String IN_CLUSTER_KEY = "inCluster";

  public static final String DEFAULT_ADMIN = "127.0.0.1:15000";
  public static final int DEFAULT_OUTBOUND_PORT = 15001;
  public static final int DEFAULT_INBOUND_PORT = 15003;
  public static final String DEFAULT_GATEWAY_ADDRESS = "0.0.0.0";
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(45);

  public ProxyIdentity identity() {
    return role == ProxyIdentity.Role.GATEWAY
        ? new ProxyIdentity(role, namespace, pod, serviceAccount, labels)
        : ProxyIdentity.sidecar(namespace, pod, serviceAccount, labels);
  }

  public ClusterOptions clusterOptions() {
    return new ClusterOptions(clusterMembers, clusterHost, clusterPort, clusterDns,
        role == ProxyIdentity.Role.SIDECAR, clusterBusPort);
  }

  /** Builds and checks; the message of the exception names the setting and what is wrong. */
  public static ProxyConfig from(JsonObject c, ProxyIdentity.Role role) {
    String resources = text(c, "resources", "");
    String kubeconfig = text(c, "kubeconfig", "");
    boolean cluster = Boolean.parseBoolean(text(c, "cluster", "false"));
    boolean inCluster = Boolean.parseBoolean(text(c, IN_CLUSTER_KEY, "false"));
    if (!resources.isBlank() && !kubeconfig.isBlank()) {
      throw new IllegalArgumentException("give --resources DIR or --kubeconfig FILE, not both");
    }
    Source source;
    if (cluster && role == ProxyIdentity.Role.SIDECAR) {
      if (!resources.isBlank() || !kubeconfig.isBlank()) {
        throw new IllegalArgumentException("a sidecar in a cluster is a lite member fed by the cluster and never"
            + " reads resources itself: drop --resources/--kubeconfig, or drop --cluster");
      }
      source = Source.CLUSTER;
    } else if (!resources.isBlank()) {
      source = Source.DIRECTORY;
    } else if (!kubeconfig.isBlank() || inCluster) {
      source = Source.KUBERNETES;
    } else if (cluster) {
      source = Source.CLUSTER;
    } else {
      throw new IllegalArgumentException("--resources DIR (a directory of Kubernetes manifests) or --kubeconfig FILE"
          + " is required outside a Kubernetes pod");
    }
    String namespace = text(c, "namespace", null);
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException("--namespace NS is required (the namespace of this proxy's pod)");
    }
    Map<String, String> labels = withLabelsFile(text(c, "labelsFile", null), labels(c.getValue("labels")));
    String pod = text(c, "pod", "");
    String sa = text(c, "serviceAccount", "");
    if (role == ProxyIdentity.Role.SIDECAR) {
      if (pod.isBlank()) {
        throw new IllegalArgumentException("--pod NAME is required for a sidecar");
      }
      if (sa.isBlank()) {
        throw new IllegalArgumentException("--service-account SA is required for a sidecar");
      }
    }
    String admin = text(c, "admin", DEFAULT_ADMIN);
    int colon = admin.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--admin must be IP:PORT, got '" + admin + "'");
    }
    String adminHost = admin.substring(0, colon).replace("[", "").replace("]", "");
    int adminPort = port(admin.substring(colon + 1), "--admin");
    int events = c.getValue("eventLoops") == null ? Runtime.getRuntime().availableProcessors()
        : Integer.parseInt(c.getValue("eventLoops").toString());
    if (events < 1) {
      throw new IllegalArgumentException("--event-loops must be at least 1");
    }
    int clusterPort = port(text(c, "clusterPort", Integer.toString(ClusterOptions.DEFAULT_PORT)), "--cluster-port");
    if (cluster && clusterPort == 0) {
      throw new IllegalArgumentException("--cluster-port needs a port number 1-65535");
    }
    List<String> members = list(c.getValue("clusterMembers"));
    for (String m : members) {
      int mc = m.lastIndexOf(':');
      if (mc > 0 && !m.endsWith("]")) {
        port(m.substring(mc + 1), "--cluster-members " + m);
      }
    }
    return new ProxyConfig(role, resources.isBlank() ? null : Path.of(resources), namespace, labels, pod, sa,
        text(c, "address", DEFAULT_GATEWAY_ADDRESS), adminHost, adminPort,
        port(text(c, "outboundPort", Integer.toString(DEFAULT_OUTBOUND_PORT)), "--outbound-port"),
        port(text(c, "inboundPort", Integer.toString(DEFAULT_INBOUND_PORT)), "--inbound-port"),
        Boolean.parseBoolean(text(c, "inboundToLocalhost", "false")),
        events,
        duration(c, "pollInterval", DEFAULT_POLL_INTERVAL),
        text(c, "accessLog", "-"),
        duration(c, "drainTimeout", DEFAULT_DRAIN_TIMEOUT),
        text(c, "logLevel", "info"),
        source,
        kubeconfig.isBlank() ? null : kubeconfig,
        list(c.getValue("watchNamespaces")),
        cluster,
        members,
        text(c, "clusterHost", null),
        clusterPort,
        text(c, "clusterDns", ClusterOptions.DEFAULT_DNS),
        Boolean.parseBoolean(text(c, "serviceRecords", "false")),
        port(text(c, "clusterBusPort", Integer.toString(ClusterOptions.DEFAULT_BUS_PORT)), "--cluster-bus-port"));
  }

  /** A comma-separated list (or a YAML list), blanks dropped. */
  private static List<String> list(Object v) {
    if (v == null) {
      return List.of();
    }
    List<String> out = new java.util.ArrayList<>();
    if (v instanceof io.vertx.core.json.JsonArray a) {
      a.forEach(x -> out.add(String.valueOf(x).trim()));
    } else {
      for (String s : v.toString().split(",")) {
        out.add(s.trim());
      }
    }
    out.removeIf(String::isEmpty);
    return List.copyOf(out);
  }

  private static String text(JsonObject c, String key, String dflt) {
    Object v = c.getValue(key);
    return v == null ? dflt : v.toString();
  }

  private static int port(String s, String flag) {
    try {
      int p = Integer.parseInt(s.trim());
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a port number 0-65535, got '" + s + "'");
    }
  }

  private static Duration duration(JsonObject c, String key, Duration dflt) {
    Object v = c.getValue(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Durations.parse(v.toString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> labels(Object v) {
    if (v == null) {
      return Map.of();
    }
    if (v instanceof JsonObject o) {
      Map<String, String> out = new java.util.TreeMap<>();
      o.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, String> out = new java.util.TreeMap<>();
      ((Map<Object, Object>) m).forEach((k, val) -> out.put(String.valueOf(k), String.valueOf(val)));
      return out;
    }
    try {
      return Labels.parse(v.toString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--labels: " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- --labels-file

  /**
   * The labels of a downward-API file ({@code fieldRef: metadata.labels}) merged under {@code flagLabels}
   * (the flag wins for a key given in both). Read once at start: the file is small and local.
   */
  static Map<String, String> withLabelsFile(String file, Map<String, String> flagLabels) {
    if (file == null || file.isBlank()) {
      return flagLabels;
    }
    String text;
    try {
      text = java.nio.file.Files.readString(Path.of(file));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("--labels-file " + file + " cannot be read: " + e.getMessage());
    }
    Map<String, String> out = new java.util.TreeMap<>(parseLabelsFile(text, file));
    out.putAll(flagLabels);
    return Map.copyOf(out);
  }

  /**
   * Parses what the kubelet writes for {@code metadata.labels}: one {@code key="value"} a line, the
   * value a Go-quoted string (escapes: quote, backslash, n, t, xHH, u and U with hex digits, octal).
   * Blank lines are skipped; anything else names the file and line.
   */
  public static Map<String, String> parseLabelsFile(String text, String source) {
    Map<String, String> out = new java.util.TreeMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      int eq = line.indexOf('=');
      String where = source + " line " + (i + 1);
      if (eq <= 0) {
        throw new IllegalArgumentException("--labels-file " + where + ": expected key=\"value\", got '" + line + "'");
      }
      String value = line.substring(eq + 1);
      if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
        throw new IllegalArgumentException("--labels-file " + where + ": the value must be a quoted string");
      }
      out.put(line.substring(0, eq), unquote(value.substring(1, value.length() - 1), where));
    }
    return Map.copyOf(out);
  }

  private static String unquote(String s, String where) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    int i = 0;
    try {
      while (i < s.length()) {
        char ch = s.charAt(i);
        if (ch != '\\') {
          int cp = s.codePointAt(i);
          bytes.writeBytes(new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          i += Character.charCount(cp);
          continue;
        }
        char e = s.charAt(i + 1);
        i += 2;
        switch (e) {
          case 'a' -> bytes.write(7);
          case 'b' -> bytes.write(8);
          case 'f' -> bytes.write(12);
          case 'n' -> bytes.write(10);
          case 'r' -> bytes.write(13);
          case 't' -> bytes.write(9);
          case 'v' -> bytes.write(11);
          case '\\', '"', '\'' -> bytes.write(e);
          case 'x' -> {
            bytes.write(Integer.parseInt(s.substring(i, i + 2), 16));
            i += 2;
          }
          case 'u', 'U' -> {
            int n = e == 'u' ? 4 : 8;
            int cp = Integer.parseInt(s.substring(i, i + n), 16);
            bytes.writeBytes(new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            i += n;
          }
          default -> {
            if (e >= '0' && e <= '7') {
              bytes.write(Integer.parseInt(s.substring(i - 1, i + 2), 8));
              i += 2;
            } else {
              throw new IllegalArgumentException("unknown escape \\" + e);
            }
          }
        }
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--labels-file " + where + ": bad quoted value: " + e.getMessage());
    }
    return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
