package io.vxmesh.gateway.inject;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxmesh.common.Cidr;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Sidecar injection, pure: a pod (or the pod template of a workload) and the settings in, the JSON
 * patch that adds the sidecar out. No I/O; the webhook and {@code inject -f} both call it.
 *
 * <h2>What a pod gets</h2>
 * <ul>
 *   <li>An init container {@value #INIT} running {@code vxmesh-iptables} as root with only NET_ADMIN and
 *   NET_RAW, with the pod's exclusion annotations. It is appended after the pod's own init containers,
 *   which therefore run before interception starts (their traffic is not meshed, and they cannot be
 *   broken by a proxy that is not running yet; OSM orders them the same way).</li>
 *   <li>The sidecar container {@value #SIDECAR} (appended to the containers; with {@code nativeSidecar}, a
 *   restartable init container after {@value #INIT}, which holds the application back until the proxy is
 *   ready) (uid {@code proxyUid}, read-only root filesystem, no
 *   capabilities) that joins the cluster as a lite member ({@code --cluster} and no source); namespace,
 *   pod name, service account and IP come from the downward API (environment), the labels from a
 *   downward-API volume ({@code --labels-file}), so they are the pod's real ones, whatever created it.</li>
 *   <li>Volumes {@value #PODINFO_VOLUME} (downward API) and {@value #TMP_VOLUME} (emptyDir for /tmp: the
 *   JVM and Netty's native library need a writable directory).</li>
 *   <li>Annotation {@value #STATUS_ANNOTATION} (what was added: makes injection idempotent) and, when the
 *   pod declares no {@code prometheus.io/*} annotation, the scrape annotations for {@code /stats/prometheus}.</li>
 * </ul>
 *
 * <h2>Who is injected</h2>
 * The webhook is only called for namespaces labelled for the mesh (see the MutatingWebhookConfiguration);
 * here a pod is skipped when opted out ({@value #INJECT}{@code : "false"} as annotation or label, OSM's
 * {@code openservicemesh.io/sidecar-injection: disabled}, Istio's {@code sidecar.istio.io/inject: "false"}),
 * when it already has the sidecar (same status annotation, or a container/init container of ours),
 * or when it uses the host's network (iptables would then rewrite the node's rules).
 *
 * <h2>What is refused</h2>
 * A malformed pod, a bad exclusion annotation, an application container using a sidecar port, an
 * application running as the proxy's uid (its traffic would bypass interception), or a volume or
 * container name of ours already taken: each with a message naming the object and the field.
 */
public final class Injector {
  public static final String SIDECAR = "vxmesh-proxy";
  public static final String INIT = "vxmesh-init";
  public static final String PODINFO_VOLUME = "vxmesh-podinfo";
  public static final String TMP_VOLUME = "vxmesh-tmp";
  public static final String PODINFO_DIR = "/etc/vxmesh/podinfo";
  public static final String LABELS_FILE = PODINFO_DIR + "/labels";

  public static final String INJECT = "vxmesh.io/inject";
  public static final String STATUS_ANNOTATION = "vxmesh.io/sidecar-status";
  public static final String OSM_INJECT = "openservicemesh.io/sidecar-injection";
  public static final String ISTIO_INJECT = "sidecar.istio.io/inject";

  /** Exclusion annotations: vxmesh's own names first, then OSM's and Istio's, all honoured (their union). */
  public static final List<String> EXCLUDE_OUTBOUND_PORTS = List.of("vxmesh.io/exclude-outbound-ports",
      "openservicemesh.io/outbound-port-exclusion-list", "traffic.sidecar.istio.io/excludeOutboundPorts");
  public static final List<String> EXCLUDE_OUTBOUND_CIDRS = List.of("vxmesh.io/exclude-outbound-cidrs",
      "openservicemesh.io/outbound-ip-range-exclusion-list", "traffic.sidecar.istio.io/excludeOutboundIPRanges");
  public static final List<String> EXCLUDE_INBOUND_PORTS = List.of("vxmesh.io/exclude-inbound-ports",
      "openservicemesh.io/inbound-port-exclusion-list", "traffic.sidecar.istio.io/excludeInboundPorts");

  /** Where the image keeps the launchers (see k8s/image/Containerfile). */
  public static final String SIDECAR_COMMAND = "/opt/vxmesh/bin/vxmesh-sidecar";
  public static final String IPTABLES_COMMAND = "/opt/vxmesh/bin/vxmesh-iptables";

  /** What injection decided for one pod. */
  public sealed interface Outcome {
    /** Add the sidecar with these operations. */
    record Patch(List<JsonPatch.Add> ops) implements Outcome {
      public Patch {
        ops = List.copyOf(ops);
      }
    }

    /** Leave the pod as it is, for this reason. */
    record Skip(String reason) implements Outcome {}

    /** The pod cannot be injected: the message names it and what is wrong. */
    record Refuse(String message) implements Outcome {}
  }

  /** The exclusions a pod's annotations ask for, validated and sorted. */
  public record Exclusions(List<Integer> outboundPorts, List<String> outboundCidrs, List<Integer> inboundPorts) {
    public Exclusions {
      outboundPorts = List.copyOf(outboundPorts);
      outboundCidrs = List.copyOf(outboundCidrs);
      inboundPorts = List.copyOf(inboundPorts);
    }
  }

  private final InjectionSettings settings;

  public Injector(InjectionSettings settings) {
    this.settings = settings;
  }

  public InjectionSettings settings() {
    return settings;
  }

  /**
   * Decides for one pod-shaped object ({@code metadata} + {@code spec}: a Pod, or a workload's
   * {@code spec.template}); {@code what} names it in messages, e.g. {@code Pod default/web-1}.
   */
  public Outcome inject(JsonObject pod, String what) {
    try {
      return decide(pod, what);
    } catch (Malformed e) {
      return new Outcome.Refuse(what + ": " + e.getMessage());
    }
  }

  private Outcome decide(JsonObject pod, String what) {
    JsonObject metadata = object(pod, "metadata", "metadata");
    JsonObject annotations = metadata == null ? null : object(metadata, "annotations", "metadata.annotations");
    JsonObject labels = metadata == null ? null : object(metadata, "labels", "metadata.labels");
    Map<String, Object> ann = annotations == null ? Map.of() : annotations.getMap();
    Map<String, Object> lab = labels == null ? Map.of() : labels.getMap();
    JsonObject spec = object(pod, "spec", "spec");
    if (spec == null) {
      throw new Malformed("spec is missing");
    }
    JsonArray containers = array(spec, "containers", "spec.containers");
    if (containers == null || containers.isEmpty()) {
      throw new Malformed("spec.containers must list at least one container");
    }
    JsonArray initContainers = array(spec, "initContainers", "spec.initContainers");
    JsonArray volumes = array(spec, "volumes", "spec.volumes");

    String optOut = optOut(ann, lab);
    if (optOut != null) {
      return new Outcome.Skip(optOut);
    }
    if (Boolean.TRUE.equals(spec.getValue("hostNetwork"))) {
      return new Outcome.Skip("the pod uses the host's network (hostNetwork: true): not injected");
    }
    Set<String> containerNames = names(containers, "spec.containers");
    Set<String> initNames = initContainers == null ? Set.of() : names(initContainers, "spec.initContainers");
    if (ann.containsKey(STATUS_ANNOTATION) || containerNames.contains(SIDECAR) || initNames.contains(INIT)
        || initNames.contains(SIDECAR)) {
      return new Outcome.Skip("already injected");
    }
    Set<String> volumeNames = volumes == null ? Set.of() : names(volumes, "spec.volumes");
    for (String v : List.of(PODINFO_VOLUME, TMP_VOLUME)) {
      if (volumeNames.contains(v)) {
        throw new Malformed("spec.volumes: the name " + v + " is reserved for the vxmesh sidecar");
      }
    }
    checkPorts(containers);
    checkUid(spec, containers);
    Exclusions exclusions = exclusions(ann);

    List<JsonPatch.Add> ops = new ArrayList<>();
    JsonObject added = addedAnnotations(ann);
    if (metadata == null) {
      ops.add(new JsonPatch.Add("/metadata", new JsonObject().put("annotations", added)));
    } else if (annotations == null) {
      ops.add(new JsonPatch.Add("/metadata/annotations", added));
    } else {
      added.forEach(e -> ops.add(new JsonPatch.Add("/metadata/annotations/" + JsonPatch.escape(e.getKey()), e.getValue())));
    }
    JsonObject init = initContainer(exclusions);
    if (initContainers == null) {
      ops.add(new JsonPatch.Add("/spec/initContainers", new JsonArray().add(init)));
    } else {
      ops.add(new JsonPatch.Add("/spec/initContainers/-", init));
    }
    if (settings.nativeSidecar()) {
      // After the iptables step; the kubelet starts the application containers once its startup probe passes.
      ops.add(new JsonPatch.Add("/spec/initContainers/-", sidecar()
          .put("restartPolicy", "Always")
          .put("startupProbe", new JsonObject()
              .put("httpGet", new JsonObject().put("path", "/ready").put("port", settings.adminPort()))
              .put("periodSeconds", 1)
              .put("timeoutSeconds", 2)
              .put("failureThreshold", 120))));
    } else {
      ops.add(new JsonPatch.Add("/spec/containers/-", sidecar()));
    }
    if (volumes == null) {
      ops.add(new JsonPatch.Add("/spec/volumes", new JsonArray().add(podinfoVolume()).add(tmpVolume())));
    } else {
      ops.add(new JsonPatch.Add("/spec/volumes/-", podinfoVolume()));
      ops.add(new JsonPatch.Add("/spec/volumes/-", tmpVolume()));
    }
    return new Outcome.Patch(ops);
  }

  // ---------------------------------------------------------------- who is injected

  private static final Set<String> NO = Set.of("false", "disabled", "no", "off");
  private static final Set<String> YES = Set.of("true", "enabled", "yes", "on");

  private static String optOut(Map<String, Object> ann, Map<String, Object> lab) {
    for (Map<String, Object> m : List.of(ann, lab)) {
      Object v = m.get(INJECT);
      if (v != null) {
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        if (NO.contains(s)) {
          return "opted out by " + INJECT + ": \"" + v + "\"";
        }
        if (!YES.contains(s)) {
          throw new Malformed(INJECT + ": \"" + v + "\" is neither true/enabled nor false/disabled");
        }
      }
    }
    for (String key : List.of(OSM_INJECT, ISTIO_INJECT)) {
      for (Map<String, Object> m : List.of(ann, lab)) {
        Object v = m.get(key);
        if (v != null && NO.contains(v.toString().trim().toLowerCase(Locale.ROOT))) {
          return "opted out by " + key + ": \"" + v + "\"";
        }
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- checks

  private void checkPorts(JsonArray containers) {
    Set<Integer> reserved = settings.reservedPorts();
    for (int i = 0; i < containers.size(); i++) {
      JsonObject c = containers.getJsonObject(i);
      JsonArray ports = array(c, "ports", "spec.containers[" + i + "].ports");
      if (ports == null) {
        continue;
      }
      for (int j = 0; j < ports.size(); j++) {
        Object p = ports.getValue(j) instanceof JsonObject o ? o.getValue("containerPort") : null;
        if (p instanceof Number n && reserved.contains(n.intValue())) {
          throw new Malformed("container " + c.getValue("name") + " declares port " + n.intValue()
              + ", which the vxmesh sidecar uses (reserved: " + new TreeSet<>(reserved) + ")");
        }
      }
    }
  }

  private void checkUid(JsonObject spec, JsonArray containers) {
    JsonObject podSc = object(spec, "securityContext", "spec.securityContext");
    if (podSc != null && uid(podSc) == settings.proxyUid()) {
      throw new Malformed("spec.securityContext.runAsUser is " + settings.proxyUid()
          + ", the proxy's uid: the application's traffic would bypass interception");
    }
    for (int i = 0; i < containers.size(); i++) {
      JsonObject c = containers.getJsonObject(i);
      JsonObject sc = object(c, "securityContext", "spec.containers[" + i + "].securityContext");
      if (sc != null && uid(sc) == settings.proxyUid()) {
        throw new Malformed("container " + c.getValue("name") + " runs as uid " + settings.proxyUid()
            + ", the proxy's uid: its traffic would bypass interception");
      }
    }
  }

  private static long uid(JsonObject sc) {
    return sc.getValue("runAsUser") instanceof Number n ? n.longValue() : -1;
  }

  /** The exclusion annotations of a pod, each value a comma-separated list; the union of all names. */
  public static Exclusions exclusions(Map<String, Object> annotations) {
    TreeSet<Integer> outPorts = new TreeSet<>();
    LinkedHashSet<String> cidrs = new LinkedHashSet<>();
    TreeSet<Integer> inPorts = new TreeSet<>();
    for (String key : EXCLUDE_OUTBOUND_PORTS) {
      outPorts.addAll(ports(key, annotations.get(key)));
    }
    for (String key : EXCLUDE_INBOUND_PORTS) {
      inPorts.addAll(ports(key, annotations.get(key)));
    }
    for (String key : EXCLUDE_OUTBOUND_CIDRS) {
      for (String item : items(annotations.get(key))) {
        try {
          cidrs.add(Cidr.parse(item).toString());
        } catch (IllegalArgumentException e) {
          throw new Malformed("annotation " + key + ": \"" + item + "\" is not a CIDR (" + e.getMessage() + ")");
        }
      }
    }
    return new Exclusions(List.copyOf(outPorts), List.copyOf(cidrs), List.copyOf(inPorts));
  }

  private static List<Integer> ports(String key, Object value) {
    List<Integer> out = new ArrayList<>();
    for (String item : items(value)) {
      int p;
      try {
        p = Integer.parseInt(item);
      } catch (NumberFormatException e) {
        p = -1;
      }
      if (p < 1 || p > 65535) {
        throw new Malformed("annotation " + key + ": \"" + item + "\" is not a port number 1-65535");
      }
      out.add(p);
    }
    return out;
  }

  private static List<String> items(Object value) {
    if (value == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String s : value.toString().split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- what is added

  private JsonObject addedAnnotations(Map<String, Object> existing) {
    JsonObject status = new JsonObject()
        .put("image", settings.image())
        .put("initContainers", settings.nativeSidecar() ? new JsonArray().add(INIT).add(SIDECAR) : new JsonArray().add(INIT))
        .put("containers", settings.nativeSidecar() ? new JsonArray() : new JsonArray().add(SIDECAR))
        .put("volumes", new JsonArray().add(PODINFO_VOLUME).add(TMP_VOLUME));
    JsonObject out = new JsonObject().put(STATUS_ANNOTATION, status.encode());
    if (existing.keySet().stream().noneMatch(k -> k.startsWith("prometheus.io/"))) {
      out.put("prometheus.io/scrape", "true")
          .put("prometheus.io/port", Integer.toString(settings.adminPort()))
          .put("prometheus.io/path", "/stats/prometheus");
    }
    return out;
  }

  JsonObject initContainer(Exclusions ex) {
    InjectionSettings s = settings;
    TreeSet<Integer> inbound = new TreeSet<>(ex.inboundPorts());
    // Cluster members connect to the sidecar's Hazelcast port and its event bus directly.
    inbound.add(s.clusterPort());
    inbound.add(s.clusterBusPort());
    JsonArray args = new JsonArray()
        .add("--proxy-uid").add(Integer.toString(s.proxyUid()))
        .add("--outbound-port").add(Integer.toString(s.outboundPort()))
        .add("--inbound-port").add(Integer.toString(s.inboundPort()))
        .add("--admin-port").add(Integer.toString(s.adminPort()))
        .add("--exclude-inbound-ports").add(join(inbound));
    if (!ex.outboundPorts().isEmpty()) {
      args.add("--exclude-outbound-ports").add(join(ex.outboundPorts()));
    }
    if (!ex.outboundCidrs().isEmpty()) {
      args.add("--exclude-outbound-cidrs").add(String.join(",", ex.outboundCidrs()));
    }
    return new JsonObject()
        .put("name", INIT)
        .put("image", s.image())
        .put("imagePullPolicy", s.imagePullPolicy())
        .put("command", new JsonArray().add(IPTABLES_COMMAND))
        .put("args", args)
        // iptables takes its lock in /run by default; the root filesystem is read-only.
        .put("env", new JsonArray().add(new JsonObject().put("name", "XTABLES_LOCKFILE").put("value", "/tmp/xtables.lock")))
        .put("resources", resources("10m", "16Mi", "100m", "64Mi"))
        .put("securityContext", new JsonObject()
            .put("runAsUser", 0)
            .put("runAsGroup", 0)
            .put("runAsNonRoot", false)
            .put("privileged", false)
            .put("allowPrivilegeEscalation", false)
            .put("readOnlyRootFilesystem", true)
            .put("capabilities", new JsonObject()
                .put("add", new JsonArray().add("NET_ADMIN").add("NET_RAW"))
                .put("drop", new JsonArray().add("ALL"))))
        .put("volumeMounts", new JsonArray().add(mount(TMP_VOLUME, "/tmp", false)));
  }

  JsonObject sidecar() {
    InjectionSettings s = settings;
    JsonArray args = new JsonArray()
        .add("--namespace").add("$(POD_NAMESPACE)")
        .add("--pod").add("$(POD_NAME)")
        .add("--service-account").add("$(SERVICE_ACCOUNT)")
        .add("--labels-file").add(LABELS_FILE)
        .add("--cluster")
        .add("--cluster-host").add("$(POD_IP)")
        .add("--cluster-port").add(Integer.toString(s.clusterPort()))
        .add("--cluster-bus-port").add(Integer.toString(s.clusterBusPort()))
        .add("--cluster-dns").add(s.clusterDns())
        .add("--outbound-port").add(Integer.toString(s.outboundPort()))
        .add("--inbound-port").add(Integer.toString(s.inboundPort()))
        // The kubelet probes /ready from the node: admin listens on every address of the pod
        // (port excluded from inbound capture by vxmesh-iptables --admin-port).
        .add("--admin").add("0.0.0.0:" + s.adminPort())
        .add("--log-level").add(s.logLevel());
    JsonArray env = new JsonArray()
        .add(fieldEnv("POD_NAME", "metadata.name"))
        .add(fieldEnv("POD_NAMESPACE", "metadata.namespace"))
        .add(fieldEnv("SERVICE_ACCOUNT", "spec.serviceAccountName"))
        .add(fieldEnv("POD_IP", "status.podIP"))
        // JVM sizing for the launcher (shared-verticles/bin/vxmesh-java), within the memory limit.
        .add(new JsonObject().put("name", "VXMESH_HEAP").put("value", s.heap()))
        .add(new JsonObject().put("name", "VXMESH_JVM_OPTS").put("value", "-XX:MaxDirectMemorySize=" + s.directMemory()));
    return new JsonObject()
        .put("name", SIDECAR)
        .put("image", s.image())
        .put("imagePullPolicy", s.imagePullPolicy())
        .put("command", new JsonArray().add(SIDECAR_COMMAND))
        .put("args", args)
        .put("env", env)
        .put("ports", new JsonArray()
            .add(new JsonObject().put("name", "vxmesh-admin").put("containerPort", s.adminPort()).put("protocol", "TCP"))
            .add(new JsonObject().put("name", "vxmesh-cluster").put("containerPort", s.clusterPort()).put("protocol", "TCP"))
            .add(new JsonObject().put("name", "vxmesh-bus").put("containerPort", s.clusterBusPort()).put("protocol", "TCP")))
        .put("readinessProbe", new JsonObject()
            .put("httpGet", new JsonObject().put("path", "/ready").put("port", s.adminPort()))
            .put("periodSeconds", 5)
            .put("timeoutSeconds", 2)
            .put("failureThreshold", 3))
        .put("resources", resources(s.cpuRequest(), s.memoryRequest(), s.cpuLimit(), s.memoryLimit()))
        .put("securityContext", new JsonObject()
            .put("runAsUser", s.proxyUid())
            .put("runAsGroup", s.proxyUid())
            .put("runAsNonRoot", true)
            .put("allowPrivilegeEscalation", false)
            .put("readOnlyRootFilesystem", true)
            .put("capabilities", new JsonObject().put("drop", new JsonArray().add("ALL")))
            .put("seccompProfile", new JsonObject().put("type", "RuntimeDefault")))
        .put("volumeMounts", new JsonArray()
            .add(mount(PODINFO_VOLUME, PODINFO_DIR, true))
            .add(mount(TMP_VOLUME, "/tmp", false)));
  }

  private static JsonObject podinfoVolume() {
    return new JsonObject().put("name", PODINFO_VOLUME).put("downwardAPI", new JsonObject()
        .put("items", new JsonArray().add(new JsonObject().put("path", "labels")
            .put("fieldRef", new JsonObject().put("fieldPath", "metadata.labels")))));
  }

  private static JsonObject tmpVolume() {
    return new JsonObject().put("name", TMP_VOLUME).put("emptyDir", new JsonObject().put("sizeLimit", "64Mi"));
  }

  private static JsonObject mount(String name, String path, boolean readOnly) {
    JsonObject m = new JsonObject().put("name", name).put("mountPath", path);
    return readOnly ? m.put("readOnly", true) : m;
  }

  private static JsonObject fieldEnv(String name, String fieldPath) {
    return new JsonObject().put("name", name).put("valueFrom", new JsonObject()
        .put("fieldRef", new JsonObject().put("fieldPath", fieldPath)));
  }

  private static JsonObject resources(String cpuReq, String memReq, String cpuLim, String memLim) {
    return new JsonObject()
        .put("requests", new JsonObject().put("cpu", cpuReq).put("memory", memReq))
        .put("limits", new JsonObject().put("cpu", cpuLim).put("memory", memLim));
  }

  private static String join(java.util.Collection<Integer> ports) {
    return ports.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  // ---------------------------------------------------------------- typed access to untrusted JSON

  /** A field of the wrong shape; turned into a {@link Outcome.Refuse} naming the object. */
  static final class Malformed extends RuntimeException {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  private static JsonObject object(JsonObject o, String key, String path) {
    Object v = o.getValue(key);
    if (v == null) {
      return null;
    }
    if (v instanceof JsonObject j) {
      return j;
    }
    throw new Malformed(path + " must be an object");
  }

  private static JsonArray array(JsonObject o, String key, String path) {
    Object v = o.getValue(key);
    if (v == null) {
      return null;
    }
    if (v instanceof JsonArray a) {
      return a;
    }
    throw new Malformed(path + " must be a list");
  }

  private static Set<String> names(JsonArray items, String path) {
    Set<String> out = new java.util.HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      if (!(items.getValue(i) instanceof JsonObject o) || !(o.getValue("name") instanceof String n) || n.isEmpty()) {
        throw new Malformed(path + "[" + i + "] must be an object with a name");
      }
      out.add(n);
    }
    return out;
  }
}
