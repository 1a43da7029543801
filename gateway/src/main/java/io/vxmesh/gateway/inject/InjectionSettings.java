package io.vxmesh.gateway.inject;

import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * What the injector puts into a pod, the same for the webhook and {@code inject -f}: the image that
 * holds both the sidecar and {@code vxmesh-iptables}, the proxy's uid and ports (as OSM: 15001
 * outbound, 15003 inbound, 15000 admin, uid 1500), how the sidecar finds the cluster, and its
 * resources, and whether the sidecar is a Kubernetes native sidecar ({@code nativeSidecar}: an init
 * container with {@code restartPolicy: Always}, Kubernetes 1.29 or later: the application starts only once
 * the proxy is ready, and Jobs complete; off by default, since older API servers drop the field and the
 * pod would never start). The JVM's heap and direct-memory caps (the JVM's heap and direct-memory caps must fit in {@code memoryLimit} with ~100 MiB to spare
 * for metaspace, code and threads). Read from a YAML/JSON file whose keys are the component names ({@link #from}).
 */
public record InjectionSettings(
    String image,
    String imagePullPolicy,
    int proxyUid,
    int outboundPort,
    int inboundPort,
    int adminPort,
    int clusterPort,
    String clusterDns,
    String logLevel,
    String cpuRequest,
    String memoryRequest,
    String cpuLimit,
    String memoryLimit,
    String heap,
    String directMemory,
    boolean nativeSidecar,
    int clusterBusPort) {

  public static final String DEFAULT_IMAGE = "vxmesh:0.1.0";
  public static final String DEFAULT_CLUSTER_DNS = "vxmesh-cluster.vxmesh-system.svc.cluster.local";

  private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");

  public static final InjectionSettings DEFAULTS = new InjectionSettings(DEFAULT_IMAGE, "IfNotPresent",
      1500, 15001, 15003, 15000, 5701, DEFAULT_CLUSTER_DNS, "info", "100m", "128Mi", "1", "384Mi", "128m", "128m", false, 5702);

  public InjectionSettings {
    require(image, "image");
    if (!PULL_POLICIES.contains(imagePullPolicy)) {
      throw new IllegalArgumentException("imagePullPolicy must be Always, IfNotPresent or Never, got '"
          + imagePullPolicy + "'");
    }
    if (proxyUid <= 0) {
      throw new IllegalArgumentException("proxyUid must be a positive uid (not root), got " + proxyUid);
    }
    port(outboundPort, "outboundPort");
    port(inboundPort, "inboundPort");
    port(adminPort, "adminPort");
    port(clusterPort, "clusterPort");
    port(clusterBusPort, "clusterBusPort");
    if (Set.of(outboundPort, inboundPort, adminPort, clusterPort, clusterBusPort).size() != 5) {
      throw new IllegalArgumentException("outboundPort, inboundPort, adminPort, clusterPort and clusterBusPort must differ");
    }
    require(clusterDns, "clusterDns");
    require(logLevel, "logLevel");
    require(cpuRequest, "cpuRequest");
    require(memoryRequest, "memoryRequest");
    require(cpuLimit, "cpuLimit");
    require(memoryLimit, "memoryLimit");
    require(heap, "heap");
    require(directMemory, "directMemory");
  }

  /** The ports of the sidecar that no application container may use. */
  public Set<Integer> reservedPorts() {
    return Set.of(outboundPort, inboundPort, adminPort, clusterPort, clusterBusPort);
  }

  public InjectionSettings withImage(String newImage) {
    return new InjectionSettings(newImage, imagePullPolicy, proxyUid, outboundPort, inboundPort, adminPort,
        clusterPort, clusterDns, logLevel, cpuRequest, memoryRequest, cpuLimit, memoryLimit, heap, directMemory,
        nativeSidecar, clusterBusPort);
  }

  /** The defaults overridden by the keys of {@code o}; an unknown key is an error (a typo would be silent). */
  public static InjectionSettings from(JsonObject o) {
    Set<String> known = Set.of("image", "imagePullPolicy", "proxyUid", "outboundPort", "inboundPort", "adminPort",
        "clusterPort", "clusterDns", "logLevel", "cpuRequest", "memoryRequest", "cpuLimit", "memoryLimit", "heap",
        "directMemory", "nativeSidecar", "clusterBusPort");
    for (String k : o.fieldNames()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException("unknown injection setting '" + k + "' (known: "
            + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
    InjectionSettings d = DEFAULTS;
    return new InjectionSettings(
        text(o, "image", d.image), text(o, "imagePullPolicy", d.imagePullPolicy),
        number(o, "proxyUid", d.proxyUid), number(o, "outboundPort", d.outboundPort),
        number(o, "inboundPort", d.inboundPort), number(o, "adminPort", d.adminPort),
        number(o, "clusterPort", d.clusterPort), text(o, "clusterDns", d.clusterDns),
        text(o, "logLevel", d.logLevel), text(o, "cpuRequest", d.cpuRequest),
        text(o, "memoryRequest", d.memoryRequest), text(o, "cpuLimit", d.cpuLimit),
        text(o, "memoryLimit", d.memoryLimit), text(o, "heap", d.heap), text(o, "directMemory", d.directMemory),
        bool(o, "nativeSidecar", d.nativeSidecar), number(o, "clusterBusPort", d.clusterBusPort));
  }

  private static String text(JsonObject o, String key, String dflt) {
    Object v = o.getValue(key);
    return v == null ? dflt : v.toString();
  }

  private static boolean bool(JsonObject o, String key, boolean dflt) {
    Object v = o.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException(key + " needs true or false, got '" + v + "'");
  }

  private static int number(JsonObject o, String key, int dflt) {
    Object v = o.getValue(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " needs a number, got '" + v + "'");
    }
  }

  private static void require(String v, String name) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }

  private static void port(int p, String name) {
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException(name + " must be a port 1-65535, got " + p);
    }
  }
}
