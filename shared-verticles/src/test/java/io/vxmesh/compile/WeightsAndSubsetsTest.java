package io.vxmesh.compile;

import static io.vxmesh.compile.L4Fixture.CLIENT;
import static io.vxmesh.compile.L4Fixture.ECHO_V4;
import static io.vxmesh.compile.L4Fixture.GW1;
import static io.vxmesh.compile.L4Fixture.WORLD;
import static io.vxmesh.compile.L4Fixture.at;
import static io.vxmesh.compile.L4Fixture.compile;
import static io.vxmesh.compile.L4Fixture.decide;
import static io.vxmesh.compile.L4Fixture.docs;
import static io.vxmesh.compile.L4Fixture.outcome;
import static io.vxmesh.compile.L4Fixture.outcomeWithEndpoints;
import static io.vxmesh.compile.L4Fixture.shortHost;
import static io.vxmesh.compile.L4Fixture.to;
import static io.vxmesh.compile.L4Fixture.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.model.Kind;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.model.ResourceKey;
import io.vxmesh.resource.Finding;
import io.vxmesh.resource.ResourceParser;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Weighted destinations and DestinationRule subsets. Weighted choice is checked exactly: every draw
 * in {@code [0, total)} is fed to {@link Route#pick}, and each destination must receive exactly
 * its weight of them (w / sum), with no randomness involved.
 */
class WeightsAndSubsetsTest {

  /** Subsets of echo-server by pod label; gray has its own connection settings. */
  static final String DESTINATION_RULE = """
      apiVersion: networking.istio.io/v1beta1
      kind: DestinationRule
      metadata: {name: echo, namespace: default}
      spec:
        host: echo-server
        trafficPolicy: {connectionPool: {tcp: {connectTimeout: 2s, maxConnections: 100}}}
        subsets:
          - {name: prod, labels: {version: prod}}
          - name: gray
            labels: {version: gray}
            trafficPolicy: {connectionPool: {tcp: {connectTimeout: 500ms, idleTimeout: 0s}}}
      """;

  /** One rule, for sidecars and for ingressgateway-1 alike, with the given route list. */
  static String routed(String route) {
    return vs("default", "echo", "gateways: [mesh, istio-system/ingressgateway-1]\nhosts: [echo-server]",
        "- route: " + route);
  }

  // ---------------------------------------------------------------- weights

  static Stream<Arguments> weights() {
    return Stream.of(
        Arguments.of("a single destination without weight gets every connection",
            "[{destination: {host: echo-server-2}}]", List.of(100)),
        Arguments.of("a single destination of weight 0 still gets every connection",
            "[{destination: {host: echo-server-2}, weight: 0}]", List.of(100)),
        Arguments.of("a single destination of weight 30 gets every connection",
            "[{destination: {host: echo-server-2}, weight: 30}]", List.of(100)),
        Arguments.of("seed: gray 20, prod 80", """
            [{destination: {host: echo-server, subset: gray}, weight: 20},
             {destination: {host: echo-server, subset: prod}, weight: 80}]""", List.of(20, 80)),
        Arguments.of("weight 0 gets no connection", """
            [{destination: {host: echo-server, subset: prod}, weight: 50},
             {destination: {host: echo-server-2}, weight: 0},
             {destination: {host: echo-server, subset: gray}, weight: 50}]""", List.of(50, 0, 50)),
        Arguments.of("1:2 is exactly one third and two thirds", """
            [{destination: {host: echo-server-2}, weight: 1},
             {destination: {host: echo-server}, weight: 2}]""", List.of(1, 2)),
        Arguments.of("three destinations 70/20/10", """
            [{destination: {host: echo-server, subset: prod}, weight: 70},
             {destination: {host: echo-server, subset: gray}, weight: 20},
             {destination: {host: echo-server-2}, weight: 10}]""", List.of(70, 20, 10)),
        Arguments.of("weights need not sum to 100", """
            [{destination: {host: echo-server-2}, weight: 3},
             {destination: {host: echo-server}, weight: 1}]""", List.of(3, 1)),
        Arguments.of("an absent weight among several destinations is 0", """
            [{destination: {host: echo-server-2}},
             {destination: {host: echo-server}, weight: 100}]""", List.of(0, 100)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void weights(String name, String route, List<Integer> expected) {
    CompiledMesh mesh = compile(DESTINATION_RULE, routed(route));
    List<Decision> decisions = List.of(decide(mesh, CLIENT, to(ECHO_V4, 19000)), decide(mesh, GW1, at(19000)));
    for (Decision d : decisions) {
      Route r = assertInstanceOf(Decision.Forward.class, d, () -> outcome(d)).route();
      int total = expected.stream().mapToInt(Integer::intValue).sum();
      assertEquals(total, r.totalWeight(), "total weight");
      int[] counts = new int[r.targets().size()];
      for (int draw = 0; draw < total; draw++) {
        Target picked = r.pick(draw);
        counts[indexOf(r.targets(), picked)]++;
      }
      List<Integer> got = new ArrayList<>();
      for (int c : counts) {
        got.add(c);
      }
      assertEquals(expected, got, () -> "draws per destination of " + outcome(d));
      assertThrows(IllegalArgumentException.class, () -> r.pick(total), "a draw past the total is a bug, not a choice");
    }
  }

  private static int indexOf(List<Target> targets, Target t) {
    for (int i = 0; i < targets.size(); i++) {
      if (targets.get(i) == t) {
        return i;
      }
    }
    throw new AssertionError("pick returned a target that is not in the route: " + t);
  }

  /** Several destinations whose weights sum to 0 (or cannot be summed) are refused at admission. */
  static Stream<Arguments> refusedWeights() {
    return Stream.of(
        Arguments.of("two destinations of weight 0", """
            [{destination: {host: echo-server-2}, weight: 0}, {destination: {host: echo-server}, weight: 0}]""",
            "spec.tcp[0].route: the weights of 2 destinations sum to 0"),
        Arguments.of("two destinations without weight", """
            [{destination: {host: echo-server-2}}, {destination: {host: echo-server}}]""",
            "spec.tcp[0].route: the weights of 2 destinations sum to 0"),
        Arguments.of("three destinations, weights 0 and absent", """
            [{destination: {host: echo-server-2}, weight: 0}, {destination: {host: echo-server}},
             {destination: {host: echo-server, subset: gray}, weight: 0}]""",
            "spec.tcp[0].route: the weights of 3 destinations sum to 0"),
        Arguments.of("a negative weight", """
            [{destination: {host: echo-server-2}, weight: 10}, {destination: {host: echo-server}, weight: -1}]""",
            "spec.tcp[0].route[1].weight: must not be negative"),
        Arguments.of("weights whose sum does not fit an int", """
            [{destination: {host: echo-server-2}, weight: 2147483647}, {destination: {host: echo-server}, weight: 1}]""",
            "spec.tcp[0].route: the weights of 2 destinations sum to 2147483648"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void refusedWeights(String name, String route, String message) {
    ResourceParser.Result r = ResourceParser.parse("echo-vs.yaml", docs(WORLD, routed(route)));
    Finding f = r.findings().stream().filter(Finding::isError).findFirst()
        .orElseThrow(() -> new AssertionError("the VirtualService must be refused"));
    assertEquals(Finding.Code.INVALID_RESOURCE, f.code());
    assertEquals("echo-vs.yaml (document 9)", f.source());
    assertEquals("VirtualService default/echo", f.resource());
    assertTrue(f.message().startsWith(message), f.message());
    assertTrue(f.message().endsWith("; the resource is rejected"), f.message());
    assertEquals(List.of(new ResourceKey(Kind.VIRTUAL_SERVICE, "default", "echo")), r.rejected());
    assertTrue(r.resources().stream().noneMatch(x -> x.kind() == Kind.VIRTUAL_SERVICE));

    CompiledMesh mesh = MeshCompiler.compile(new MeshSnapshot(1, r.resources(), r.findings()));
    assertTrue(mesh.findings().contains(f), "the compiled mesh carries the admission finding");
    assertTrue(mesh.hasErrors());
    assertEquals("default -> echo-server.default:19000", outcome(decide(mesh, CLIENT, to(ECHO_V4, 19000))),
        "without the refused VirtualService the sidecar keeps the default route");
  }

  // ---------------------------------------------------------------- subsets

  static Stream<Arguments> subsets() {
    return Stream.of(
        Arguments.of("subset prod selects the pods labelled version=prod", DESTINATION_RULE,
            "[{destination: {host: echo-server, subset: prod}}]",
            "default/echo tcp[0] -> echo-server.default:19000|prod [10.0.0.11:9000]", null),
        Arguments.of("subset gray selects the pods labelled version=gray", DESTINATION_RULE,
            "[{destination: {host: echo-server, subset: gray}}]",
            "default/echo tcp[0] -> echo-server.default:19000|gray [10.0.0.12:9000]", null),
        Arguments.of("no subset: every endpoint of the service port", DESTINATION_RULE,
            "[{destination: {host: echo-server}}]",
            "default/echo tcp[0] -> echo-server.default:19000 [10.0.0.11:9000, 10.0.0.12:9000]", null),
        Arguments.of("a subset on another port of the service", DESTINATION_RULE,
            "[{destination: {host: echo-server, subset: gray, port: {number: 19001}}}]",
            "default/echo tcp[0] -> echo-server.default:19001|gray [10.0.0.12:9001]", null),
        Arguments.of("seed: 20/80 over gray and prod", DESTINATION_RULE, """
            [{destination: {host: echo-server.default.svc.cluster.local, subset: gray}, weight: 20},
             {destination: {host: echo-server.default.svc.cluster.local, subset: prod}, weight: 80}]""",
            "default/echo tcp[0] -> echo-server.default:19000|gray w20 [10.0.0.12:9000],"
                + " echo-server.default:19000|prod w80 [10.0.0.11:9000]", null),
        Arguments.of("an unknown subset has no endpoints and is reported", DESTINATION_RULE,
            "[{destination: {host: echo-server, subset: blue}}]",
            "default/echo tcp[0] -> echo-server.default:19000|blue []", Finding.Code.UNKNOWN_SUBSET),
        Arguments.of("a subset without DestinationRule has no endpoints and is reported", "",
            "[{destination: {host: echo-server, subset: prod}}]",
            "default/echo tcp[0] -> echo-server.default:19000|prod []", Finding.Code.UNKNOWN_SUBSET),
        Arguments.of("a subset whose labels select no pod has no endpoints and is reported",
            DESTINATION_RULE + "    - {name: canary, labels: {version: canary}}\n",
            "[{destination: {host: echo-server, subset: canary}}]",
            "default/echo tcp[0] -> echo-server.default:19000|canary []", Finding.Code.SUBSET_SELECTS_NO_PODS),
        Arguments.of("a DestinationRule in another namespace applies by its fully qualified host",
            DESTINATION_RULE.replace("namespace: default", "namespace: foo")
                .replace("host: echo-server", "host: echo-server.default.svc.cluster.local"),
            "[{destination: {host: echo-server, subset: gray}}]",
            "default/echo tcp[0] -> echo-server.default:19000|gray [10.0.0.12:9000]", null),
        Arguments.of("a short DestinationRule host in another namespace names another service",
            DESTINATION_RULE.replace("namespace: default", "namespace: foo"),
            "[{destination: {host: echo-server, subset: gray}}]",
            "default/echo tcp[0] -> echo-server.default:19000|gray []", Finding.Code.UNKNOWN_SUBSET),
        Arguments.of("a wildcard DestinationRule host covers the service",
            DESTINATION_RULE.replace("host: echo-server", "host: '*.default.svc.cluster.local'"),
            "[{destination: {host: echo-server, subset: prod}}]",
            "default/echo tcp[0] -> echo-server.default:19000|prod [10.0.0.11:9000]", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void subsets(String name, String destinationRule, String route, String expected, Finding.Code finding) {
    CompiledMesh mesh = destinationRule.isEmpty() ? compile(routed(route)) : compile(destinationRule, routed(route));
    assertEquals(expected, outcomeWithEndpoints(decide(mesh, CLIENT, to(ECHO_V4, 19000))));
    assertEquals(expected, outcomeWithEndpoints(decide(mesh, GW1, at(19000))), "the same on a gateway");
    List<Finding.Code> codes = mesh.findings().stream()
        .filter(f -> f.code() == Finding.Code.UNKNOWN_SUBSET || f.code() == Finding.Code.SUBSET_SELECTS_NO_PODS)
        .map(Finding::code).toList();
    assertEquals(finding == null ? List.of() : List.of(finding), codes, () -> mesh.findings().toString());
  }

  @Test
  void subsetsInheritAndOverrideTheConnectionSettings() {
    CompiledMesh mesh = compile(DESTINATION_RULE, routed("""
        [{destination: {host: echo-server, subset: prod}, weight: 1},
         {destination: {host: echo-server, subset: gray}, weight: 1},
         {destination: {host: echo-server}, weight: 1},
         {destination: {host: echo-server-2}, weight: 1}]"""));
    Route r = ((Decision.Forward) decide(mesh, CLIENT, to(ECHO_V4, 19000))).route();
    assertEquals(List.of(
            "echo-server.default:19000|prod " + new UpstreamPolicy(2000, UpstreamPolicy.DEFAULT_IDLE_TIMEOUT_MS, 100),
            "echo-server.default:19000|gray " + new UpstreamPolicy(500, 0, 100),
            "echo-server.default:19000 " + new UpstreamPolicy(2000, UpstreamPolicy.DEFAULT_IDLE_TIMEOUT_MS, 100),
            "echo-server-2.default:19000 " + UpstreamPolicy.DEFAULT),
        r.targets().stream().map(t -> shortHost(t.describe()) + " " + t.policy()).toList());
  }
}
