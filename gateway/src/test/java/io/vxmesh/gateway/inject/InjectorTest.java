package io.vxmesh.gateway.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pure injector: who is injected, what is refused, and what an injected pod looks like. */
class InjectorTest {
  static final Injector INJECTOR = new Injector(InjectionSettings.DEFAULTS);

  static JsonObject pod(String extra) {
    JsonObject p = new JsonObject("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop","labels":{"app":"web"}},
         "spec":{"containers":[{"name":"app","image":"web:1","ports":[{"containerPort":8080}]}]}}""");
    return extra.isEmpty() ? p : p.mergeIn(new JsonObject(extra), true);
  }

  static Injector.Outcome inject(JsonObject pod) {
    return INJECTOR.inject(pod, "Pod shop/web");
  }

  static JsonObject injected(JsonObject pod) {
    Injector.Outcome o = inject(pod);
    return JsonPatch.apply(pod, assertInstanceOf(Injector.Outcome.Patch.class, o, o.toString()).ops());
  }

  static Stream<Arguments> skipped() {
    return Stream.of(
        Arguments.of("{\"metadata\":{\"annotations\":{\"vxmesh.io/inject\":\"false\"}}}", "opted out by vxmesh.io/inject"),
        Arguments.of("{\"metadata\":{\"annotations\":{\"vxmesh.io/inject\":\"Disabled\"}}}", "opted out by vxmesh.io/inject"),
        Arguments.of("{\"metadata\":{\"labels\":{\"vxmesh.io/inject\":\"false\"}}}", "opted out by vxmesh.io/inject"),
        Arguments.of("{\"metadata\":{\"annotations\":{\"openservicemesh.io/sidecar-injection\":\"disabled\"}}}",
            "opted out by openservicemesh.io/sidecar-injection"),
        Arguments.of("{\"metadata\":{\"labels\":{\"sidecar.istio.io/inject\":\"false\"}}}", "opted out by sidecar.istio.io/inject"),
        Arguments.of("{\"metadata\":{\"annotations\":{\"sidecar.istio.io/inject\":\"false\"}}}", "opted out by sidecar.istio.io/inject"),
        Arguments.of("{\"spec\":{\"hostNetwork\":true}}", "host's network"),
        Arguments.of("{\"metadata\":{\"annotations\":{\"vxmesh.io/sidecar-status\":\"{}\"}}}", "already injected"),
        Arguments.of("{\"spec\":{\"initContainers\":[{\"name\":\"vxmesh-init\"}]}}", "already injected"));
  }

  @ParameterizedTest
  @MethodSource("skipped")
  void skipped(String extra, String reason) {
    Injector.Outcome o = inject(pod(extra));
    assertTrue(assertInstanceOf(Injector.Outcome.Skip.class, o, o.toString()).reason().contains(reason), o.toString());
  }

  static Stream<Arguments> injectedAnyway() {
    return Stream.of(
        Arguments.of("{}"),
        Arguments.of("{\"metadata\":{\"annotations\":{\"vxmesh.io/inject\":\"true\"}}}"),
        Arguments.of("{\"metadata\":{\"annotations\":{\"openservicemesh.io/sidecar-injection\":\"enabled\"}}}"),
        Arguments.of("{\"metadata\":{\"labels\":{\"sidecar.istio.io/inject\":\"true\"}}}"),
        Arguments.of("{\"spec\":{\"hostNetwork\":false}}"));
  }

  @ParameterizedTest
  @MethodSource("injectedAnyway")
  void injected(String extra) {
    JsonObject pod = injected(pod(extra));
    assertEquals(List.of("app", Injector.SIDECAR), names(pod.getJsonObject("spec").getJsonArray("containers")));
    assertEquals(List.of(Injector.INIT), names(pod.getJsonObject("spec").getJsonArray("initContainers")));
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("{\"metadata\":{\"annotations\":{\"vxmesh.io/inject\":\"maybe\"}}}", "vxmesh.io/inject: \"maybe\" is neither"),
        Arguments.of("{\"metadata\":{\"annotations\":{\"vxmesh.io/exclude-outbound-ports\":\"80,http\"}}}",
            "annotation vxmesh.io/exclude-outbound-ports: \"http\" is not a port number"),
        Arguments.of("{\"metadata\":{\"annotations\":{\"openservicemesh.io/inbound-port-exclusion-list\":\"0\"}}}",
            "openservicemesh.io/inbound-port-exclusion-list: \"0\" is not a port number"),
        Arguments.of("{\"metadata\":{\"annotations\":{\"traffic.sidecar.istio.io/excludeOutboundIPRanges\":\"10.0.0.0/33\"}}}",
            "traffic.sidecar.istio.io/excludeOutboundIPRanges: \"10.0.0.0/33\" is not a CIDR"),
        Arguments.of("{\"spec\":{\"containers\":[{\"name\":\"app\",\"ports\":[{\"containerPort\":15000}]}]}}",
            "container app declares port 15000"),
        Arguments.of("{\"spec\":{\"containers\":[{\"name\":\"app\",\"ports\":[{\"containerPort\":5701}]}]}}",
            "container app declares port 5701"),
        Arguments.of("{\"spec\":{\"securityContext\":{\"runAsUser\":1500}}}", "spec.securityContext.runAsUser is 1500"),
        Arguments.of("{\"spec\":{\"containers\":[{\"name\":\"app\",\"securityContext\":{\"runAsUser\":1500}}]}}",
            "container app runs as uid 1500"),
        Arguments.of("{\"spec\":{\"volumes\":[{\"name\":\"vxmesh-tmp\",\"emptyDir\":{}}]}}", "the name vxmesh-tmp is reserved"),
        Arguments.of("{\"spec\":{\"containers\":[]}}", "spec.containers must list at least one container"),
        Arguments.of("{\"spec\":{\"containers\":{\"name\":\"app\"}}}", "spec.containers must be a list"),
        Arguments.of("{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}", "spec.containers[0] must be an object with a name"),
        Arguments.of("{\"spec\":{\"initContainers\":\"x\"}}", "spec.initContainers must be a list"),
        Arguments.of("{\"metadata\":{\"annotations\":[1]}}", "metadata.annotations must be an object"),
        Arguments.of("{\"spec\":\"none\"}", "spec must be an object"));
  }

  @ParameterizedTest
  @MethodSource("refused")
  void refused(String extra, String message) {
    JsonObject p = pod("");
    JsonObject e = new JsonObject(extra);
    // replace rather than merge where the test gives a whole field
    e.forEach(f -> {
      if (f.getValue() instanceof JsonObject o && p.getValue(f.getKey()) instanceof JsonObject target) {
        o.forEach(g -> target.put(g.getKey(), g.getValue()));
      } else {
        p.put(f.getKey(), f.getValue());
      }
    });
    Injector.Outcome o = inject(p);
    String m = assertInstanceOf(Injector.Outcome.Refuse.class, o, o.toString()).message();
    assertTrue(m.startsWith("Pod shop/web: ") && m.contains(message), m);
  }

  @Test
  void anInjectedPodIsLeftAlone() {
    // Idempotence: injecting the injected pod again gives no patch.
    JsonObject once = injected(pod("{\"spec\":{\"initContainers\":[{\"name\":\"setup\",\"image\":\"busybox\"}]}}"));
    Injector.Outcome again = inject(once);
    assertEquals(new Injector.Outcome.Skip("already injected"), again);
  }

  @Test
  void theSidecarGetsItsIdentityFromTheDownwardApi() {
    JsonObject pod = injected(pod(""));
    JsonObject sidecar = pod.getJsonObject("spec").getJsonArray("containers").getJsonObject(1);
    List<String> args = sidecar.getJsonArray("args").getList();
    assertEquals(List.of("--namespace", "$(POD_NAMESPACE)", "--pod", "$(POD_NAME)", "--service-account",
        "$(SERVICE_ACCOUNT)", "--labels-file", "/etc/vxmesh/podinfo/labels", "--cluster"), args.subList(0, 9));
    assertTrue(args.containsAll(List.of("--cluster-dns", InjectionSettings.DEFAULT_CLUSTER_DNS, "--admin", "0.0.0.0:15000")));
    assertEquals(1500, sidecar.getJsonObject("securityContext").getInteger("runAsUser"));
    assertEquals(true, sidecar.getJsonObject("securityContext").getBoolean("readOnlyRootFilesystem"));
    JsonObject init = pod.getJsonObject("spec").getJsonArray("initContainers").getJsonObject(0);
    assertEquals(new JsonArray().add("NET_ADMIN").add("NET_RAW"),
        init.getJsonObject("securityContext").getJsonObject("capabilities").getJsonArray("add"));
    assertEquals("/opt/vxmesh/bin/vxmesh-iptables", init.getJsonArray("command").getString(0));
  }

  static Stream<Arguments> exclusions() {
    return Stream.of(
        Arguments.of(Map.of(), List.of(), List.of(), List.of()),
        Arguments.of(Map.of("vxmesh.io/exclude-outbound-ports", "6379, 3306",
                "openservicemesh.io/outbound-port-exclusion-list", "3306,5432"),
            List.of(3306, 5432, 6379), List.of(), List.of()),
        Arguments.of(Map.of("openservicemesh.io/outbound-ip-range-exclusion-list", "10.0.0.1, 192.168.0.0/16",
                "traffic.sidecar.istio.io/excludeOutboundIPRanges", "fd00::/8"),
            List.of(), List.of("10.0.0.1/32", "192.168.0.0/16", "fd00::/8"), List.of()),
        Arguments.of(Map.of("traffic.sidecar.istio.io/excludeInboundPorts", "8081",
                "vxmesh.io/exclude-inbound-ports", "9090,8081"),
            List.of(), List.of(), List.of(8081, 9090)));
  }

  @ParameterizedTest
  @MethodSource("exclusions")
  void exclusionAnnotationsAreUnited(Map<String, Object> annotations, List<Integer> out, List<String> cidrs, List<Integer> in) {
    assertEquals(new Injector.Exclusions(out, cidrs, in), Injector.exclusions(annotations));
  }

  @Test
  void exclusionsReachTheInitContainerAndTheClusterPortsAreNeverCaptured() {
    JsonObject pod = injected(pod("{\"metadata\":{\"annotations\":{\"vxmesh.io/exclude-outbound-ports\":\"6379\","
        + "\"vxmesh.io/exclude-outbound-cidrs\":\"10.96.0.1\",\"vxmesh.io/exclude-inbound-ports\":\"9090\"}}}"));
    List<String> args = pod.getJsonObject("spec").getJsonArray("initContainers").getJsonObject(0).getJsonArray("args").getList();
    assertEquals(List.of("--proxy-uid", "1500", "--outbound-port", "15001", "--inbound-port", "15003", "--admin-port", "15000",
        "--exclude-inbound-ports", "5701,5702,9090", "--exclude-outbound-ports", "6379", "--exclude-outbound-cidrs", "10.96.0.1/32"), args);
  }

  @Test
  void aNativeSidecarIsARestartableInitContainerAfterTheIptablesStep() {
    Injector nativeInjector = new Injector(InjectionSettings.from(new JsonObject().put("nativeSidecar", true)));
    JsonObject pod = pod("{\"spec\":{\"initContainers\":[{\"name\":\"setup\",\"image\":\"busybox\"}]}}");
    Injector.Outcome o = nativeInjector.inject(pod, "Pod shop/web");
    JsonObject out = JsonPatch.apply(pod, assertInstanceOf(Injector.Outcome.Patch.class, o).ops());
    JsonArray inits = out.getJsonObject("spec").getJsonArray("initContainers");
    assertEquals(List.of("setup", Injector.INIT, Injector.SIDECAR), names(inits));
    assertEquals(List.of("app"), names(out.getJsonObject("spec").getJsonArray("containers")));
    JsonObject sidecar = inits.getJsonObject(2);
    assertEquals("Always", sidecar.getString("restartPolicy"));
    assertEquals("/ready", sidecar.getJsonObject("startupProbe").getJsonObject("httpGet").getString("path"));
    assertEquals(new Injector.Outcome.Skip("already injected"), nativeInjector.inject(out, "Pod shop/web"));
    JsonObject withoutStatus = out.copy();
    withoutStatus.getJsonObject("metadata").remove("annotations");
    withoutStatus.getJsonObject("spec").getJsonArray("initContainers").remove(1); // vxmesh-init
    assertEquals(new Injector.Outcome.Skip("already injected"), INJECTOR.inject(withoutStatus, "Pod shop/web"),
        "a sidecar among the init containers counts as injected");
    assertThrows(IllegalArgumentException.class, () -> InjectionSettings.from(new JsonObject().put("nativeSidecar", "yes")));
  }

  @Test
  void settingsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> InjectionSettings.from(new JsonObject().put("imag", "x")));
    assertThrows(IllegalArgumentException.class, () -> InjectionSettings.from(new JsonObject().put("proxyUid", 0)));
    assertThrows(IllegalArgumentException.class, () -> InjectionSettings.from(new JsonObject().put("adminPort", 15001)));
    assertThrows(IllegalArgumentException.class, () -> InjectionSettings.from(new JsonObject().put("imagePullPolicy", "Sometimes")));
    InjectionSettings s = InjectionSettings.from(new JsonObject().put("image", "registry.example/vxmesh:1").put("clusterPort", "5801"));
    assertEquals("registry.example/vxmesh:1", s.image());
    assertEquals(5801, s.clusterPort());
  }

  @Test
  void jsonPatchAddsAsRfc6902Says() {
    JsonObject doc = new JsonObject("{\"a\":{\"b/c\":[1,2]},\"m\":{}}");
    JsonObject out = JsonPatch.apply(doc, List.of(
        new JsonPatch.Add("/a/b~1c/-", 3),
        new JsonPatch.Add("/a/b~1c/0", 0),
        new JsonPatch.Add("/m/x~0y", "v")));
    assertEquals(new JsonObject("{\"a\":{\"b/c\":[0,1,2,3]},\"m\":{\"x~y\":\"v\"}}"), out);
    assertEquals(new JsonObject("{\"a\":{\"b/c\":[1,2]},\"m\":{}}"), doc, "the input is not changed");
    assertThrows(IllegalArgumentException.class, () -> JsonPatch.apply(doc, List.of(new JsonPatch.Add("/nope/x", 1))));
    assertThrows(IllegalArgumentException.class, () -> JsonPatch.apply(doc, List.of(new JsonPatch.Add("/a/b~1c/9", 1))));
  }

  private static List<String> names(JsonArray a) {
    return a.stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }
}
