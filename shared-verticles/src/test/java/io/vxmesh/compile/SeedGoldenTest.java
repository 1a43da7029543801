package io.vxmesh.compile;

import static io.vxmesh.compile.L4Fixture.outcomeWithEndpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vxmesh.common.IpAddress;
import io.vxmesh.model.Kind;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.model.Pod;
import io.vxmesh.model.Resource;
import io.vxmesh.resource.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The seed 002 demos compiled from their manifests ({@code src/test/resources/seeds/}): the demo
 * decisions asserted, and the whole compiled mesh plus the tables of the proxies of each demo
 * compared with golden files ({@code src/test/resources/golden/<scenario>/}).
 *
 * <p>Regenerate the golden files after an intended change with
 * {@code ./mvnw -B -o -pl shared-verticles test -Dtest=SeedGoldenTest -Dvxmesh.golden.update=true}
 * (see {@link Golden}).
 */
class SeedGoldenTest {

  @TempDir
  Path dir;

  static final List<String> SCENARIOS = Seeds.SCENARIOS;

  /** The proxies whose tables each demo exercises. */
  static final Map<String, List<String>> PROXIES = Map.of(
      "port", List.of("telnet-client"),
      "destinationSubnets", List.of("telnet-client"),
      "sourceLabels", List.of("telnet-client", "telnet-client-2"),
      "gateways", List.of("ingressgateway-1", "ingressgateway-2"),
      "sourceNamespace", List.of("telnet-client-foo", "telnet-client"),
      "weights", List.of("telnet-client"),
      "gateways-as-written", List.of("ingressgateway-1", "ingressgateway-2"),
      "weights-as-written", List.of("telnet-client"));

  /** The pods of {@code seeds/common/pods.yaml} the sidecars run in. */
  static final Map<String, String> PODS = Map.of(
      "telnet-client", "default/telnet-client-5786fc744f-9xk2d",
      "telnet-client-2", "default/telnet-client-2-c56db78bd-7qz4m",
      "telnet-client-foo", "foo/telnet-client-foo-7c94569bfd-h8r5t");

  /**
   * A proxy of the demo: an ingress gateway pod (istio-system, {@code istio: <name>}) or the sidecar of
   * a seed pod, whose identity comes from the Pod resource itself.
   */
  static ProxyIdentity proxy(MeshSnapshot snapshot, String name) {
    if (name.startsWith("ingressgateway-")) {
      return ProxyIdentity.gateway("istio-system", Map.of("istio", name, "app", "istio-ingressgateway"));
    }
    String pod = PODS.get(name);
    for (Pod p : snapshot.<Pod>ofKind(Kind.POD)) {
      if ((p.meta().namespace() + "/" + p.meta().name()).equals(pod)) {
        return ProxyIdentity.sidecar(p.meta().namespace(), p.meta().name(), p.serviceAccount(), p.meta().labels());
      }
    }
    throw new AssertionError("no pod " + pod + " in the seed's manifests");
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("SCENARIOS")
  void compiledOutputMatchesTheGoldenFiles(String scenario) throws IOException {
    MeshSnapshot snapshot = Seeds.snapshot(dir, scenario);
    CompiledMesh mesh = MeshCompiler.compile(snapshot);
    Golden.assertMatches(scenario + "/mesh.json", MeshJson.toPrettyJson(mesh));
    for (String p : PROXIES.get(scenario)) {
      ProxyTable table = mesh.forProxy(proxy(snapshot, p), "golden");
      Golden.assertMatches(scenario + "/table-" + p + ".json", MeshJson.toPrettyJson(MeshJson.table(table)));
    }
  }

  /** The demos of the seed, as the seed tells what each client sees. */
  static Stream<Arguments> demos() {
    String toEcho = "192.168.33.10:19000";
    String echo = "echo-server.default:19000 [172.20.0.11:9000]";
    String echo2 = "echo-server-2.default:19000 [172.20.0.21:9000]";
    return Stream.of(
        Arguments.of("port", "telnet-client", toEcho, "default/echo tcp[0] -> " + echo2),
        Arguments.of("destinationSubnets", "telnet-client", toEcho, "default/echo tcp[0] -> " + echo2),
        Arguments.of("sourceLabels", "telnet-client", toEcho, "default/echo tcp[0] -> " + echo2),
        Arguments.of("sourceLabels", "telnet-client-2", toEcho, "default -> " + echo),
        Arguments.of("gateways", "ingressgateway-1", "127.0.2.1:19000", "istio-system/ingressgateway tcp[1] -> " + echo),
        Arguments.of("gateways", "ingressgateway-2", "127.0.2.2:19000", "istio-system/ingressgateway tcp[0] -> " + echo2),
        Arguments.of("sourceNamespace", "telnet-client-foo", toEcho, "default/source-namespace tcp[0] -> " + echo2),
        Arguments.of("sourceNamespace", "telnet-client", toEcho, "default/source-namespace tcp[1] -> " + echo),
        Arguments.of("weights", "telnet-client", toEcho, "default/echo tcp[0] -> "
            + "echo-server.default:19000|gray w20 [172.20.0.12:9000], echo-server.default:19000|prod w80 [172.20.0.11:9000]"),
        // As written: the second Gateway replaces the first under the same name, and its rule for
        // ingressgateway-2 has nothing to bind to; a pod labelled istio=ingressgateway-2 listens nowhere.
        Arguments.of("gateways-as-written", "ingressgateway-1", "127.0.2.1:19000",
            "istio-system/ingressgateway tcp[1] -> " + echo),
        Arguments.of("gateways-as-written", "ingressgateway-2", "127.0.2.2:19000", "reject no_listener"),
        // As written: http routes never apply to TCP, so the connection keeps its default route
        // over every echo-server pod, prod and gray alike.
        Arguments.of("weights-as-written", "telnet-client", toEcho,
            "default -> echo-server.default:19000 [172.20.0.11:9000, 172.20.0.12:9000]"));
  }

  @ParameterizedTest(name = "{0}: {1} -> {2} => {3}")
  @MethodSource
  void demos(String scenario, String proxy, String destination, String expected) throws IOException {
    MeshSnapshot snapshot = Seeds.snapshot(dir, scenario);
    CompiledMesh mesh = MeshCompiler.compile(snapshot);
    ProxyIdentity who = proxy(snapshot, proxy);
    int colon = destination.lastIndexOf(':');
    IpAddress ip = IpAddress.parse(destination.substring(0, colon));
    int port = Integer.parseInt(destination.substring(colon + 1));
    ConnectionFacts facts = who.role() == ProxyIdentity.Role.GATEWAY
        ? new ConnectionFacts(port, ip, port) : new ConnectionFacts(15001, ip, port);
    assertEquals(expected, outcomeWithEndpoints(mesh.forProxy(who, "test").decide(facts)));
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("SCENARIOS")
  void correctedScenariosHaveNoErrorsAndTheSeedAsWrittenHas(String scenario) throws IOException {
    CompiledMesh mesh = MeshCompiler.compile(Seeds.snapshot(dir, scenario));
    List<Finding> errors = mesh.findings().stream().filter(Finding::isError).toList();
    assertEquals(scenario.endsWith("-as-written"), !errors.isEmpty(), () -> scenario + ": " + mesh.findings());
  }

  /**
   * Golden files are only worth having when the output is a function of the content: the same
   * manifests read twice, or handed over in another order, give byte-identical JSON; and the JSON
   * reads back into an equal mesh (the form the cluster carries).
   */
  @ParameterizedTest(name = "{0}")
  @FieldSource("SCENARIOS")
  void outputIsDeterministic(String scenario) throws IOException {
    MeshSnapshot first = Seeds.snapshot(Files.createDirectory(dir.resolve("a")), scenario);
    MeshSnapshot second = Seeds.snapshot(Files.createDirectory(dir.resolve("b")), scenario);
    List<Resource> reversed = new ArrayList<>(second.resources());
    Collections.reverse(reversed);
    List<Finding> findings = new ArrayList<>(second.findings());
    Collections.reverse(findings);
    CompiledMesh a = MeshCompiler.compile(first);
    CompiledMesh b = MeshCompiler.compile(new MeshSnapshot(99, reversed, findings));
    assertEquals(MeshJson.toPrettyJson(a), MeshJson.toPrettyJson(b));
    assertEquals(a, b);
    assertEquals(a, MeshJson.parseMesh(MeshJson.toJson(a)), "the JSON form reads back into an equal mesh");
    for (String p : PROXIES.get(scenario)) {
      assertEquals(MeshJson.toPrettyJson(MeshJson.table(a.forProxy(proxy(first, p), "v"))),
          MeshJson.toPrettyJson(MeshJson.table(b.forProxy(proxy(second, p), "v"))));
    }
    assertFalse(MeshJson.toJson(a).contains(dir.toString()), "no absolute path of the machine in the output");
  }
}
