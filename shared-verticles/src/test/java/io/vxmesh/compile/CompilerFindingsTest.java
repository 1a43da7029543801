package io.vxmesh.compile;

import static io.vxmesh.compile.L4Fixture.compile;
import static io.vxmesh.compile.L4Fixture.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.resource.Finding;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@link MeshCompiler#compile} has to say about a configuration: each row is manifests in
 * and one finding out ({@code SEVERITY CODE Resource: message...}), or {@code "no VXnnnn"} for a
 * configuration that must not be flagged with that code.
 */
class CompilerFindingsTest {

  static final String MESH_HOSTS = "hosts: [echo-server]";

  static String destinationRule(String host, String subsets) {
    return """
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata: {name: echo, namespace: default}
        spec:
          host: %s
          subsets: %s
        """.formatted(host, subsets);
  }

  static Stream<Arguments> findings() {
    String prodGray = "[{name: prod, labels: {version: prod}}, {name: gray, labels: {version: gray}}]";
    return Stream.of(
        Arguments.of("seed: a DestinationRule host that matches no Service, with the closest Service suggested",
            List.of(destinationRule("echo.default.svc.cluster.local", prodGray)),
            "ERROR VX0101 DestinationRule default/echo: spec.host \"echo.default.svc.cluster.local\""
                + " (echo.default.svc.cluster.local) matches no Service (did you mean echo-server.default.svc.cluster.local?)"),
        Arguments.of("a short DestinationRule host is qualified before it is looked up",
            List.of(destinationRule("echo", prodGray)),
            "ERROR VX0101 DestinationRule default/echo: spec.host \"echo\" (echo.default.svc.cluster.local) matches no Service"),
        Arguments.of("a DestinationRule of a known host", List.of(destinationRule("echo-server", prodGray)), "no VX0101"),
        Arguments.of("a route destination that matches no Service",
            List.of(vs("default", "echo", MESH_HOSTS, "- route: [{destination: {host: echo}}]")),
            "ERROR VX0101 VirtualService default/echo: tcp[0].route[0] destination host echo.default.svc.cluster.local"
                + " matches no Service (did you mean echo-server.default.svc.cluster.local?)"),
        Arguments.of("hosts that match no Service in the mesh",
            List.of(vs("default", "echo", "hosts: [nothing]", "- route: [{destination: {host: echo-server}}]")),
            "WARNING VX0101 VirtualService default/echo: spec.hosts [nothing.default.svc.cluster.local] match no Service"),
        Arguments.of("an unknown subset, without DestinationRule",
            List.of(vs("default", "echo", MESH_HOSTS, "- route: [{destination: {host: echo-server, subset: blue}}]")),
            "ERROR VX0102 VirtualService default/echo: tcp[0].route[0] subset \"blue\" of echo-server.default.svc.cluster.local"
                + " is defined by no DestinationRule (no DestinationRule has this host)"),
        Arguments.of("an unknown subset of a DestinationRule",
            List.of(destinationRule("echo-server", prodGray),
                vs("default", "echo", MESH_HOSTS, "- route: [{destination: {host: echo-server, subset: blue}}]")),
            "ERROR VX0102 VirtualService default/echo: tcp[0].route[0] subset \"blue\" of echo-server.default.svc.cluster.local"
                + " is defined by no DestinationRule (default/echo defines [prod, gray])"),
        Arguments.of("a known subset", List.of(destinationRule("echo-server", prodGray),
                vs("default", "echo", MESH_HOSTS, "- route: [{destination: {host: echo-server, subset: gray}}]")),
            "no VX0102"),
        Arguments.of("a destination port the Service does not have",
            List.of(vs("default", "echo", MESH_HOSTS, "- route: [{destination: {host: echo-server, port: {number: 9000}}}]")),
            "ERROR VX0103 VirtualService default/echo: tcp[0].route[0] destination port 9000 is not a port of Service"
                + " default/echo-server (ports: [19000, 19001])"),
        Arguments.of("seed: http routes for a TCP port", List.of("""
                apiVersion: networking.istio.io/v1beta1
                kind: VirtualService
                metadata: {name: echo}
                spec:
                  hosts: [echo-server.default.svc.cluster.local]
                  http:
                    - route:
                      - {destination: {host: echo-server.default.svc.cluster.local, subset: gray}, weight: 20}
                      - {destination: {host: echo-server.default.svc.cluster.local, subset: prod}, weight: 80}
                """),
            "ERROR VX0104 VirtualService default/echo: spec.http has 1 http route, but port 19000 (tcp) of Service"
                + " default/echo-server, port 19001 (tcp-other) of Service default/echo-server carries TCP"),
        Arguments.of("http routes on a gateway's TCP server", List.of("""
                apiVersion: networking.istio.io/v1beta1
                kind: VirtualService
                metadata: {name: gw, namespace: istio-system}
                spec:
                  hosts: ['*']
                  gateways: [ingressgateway-2]
                  http: [{route: [{destination: {host: echo-server.default.svc.cluster.local}}]}]
                """),
            "ERROR VX0104 VirtualService istio-system/gw: spec.http has 1 http route, but istio-system/ingressgateway-2"
                + " port 19000 carries TCP"),
        Arguments.of("http routes for an HTTP port are ignored, not an error", List.of("""
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  clusterIP: 10.96.0.80
                  ports: [{name: http, port: 80}]
                ---
                apiVersion: networking.istio.io/v1beta1
                kind: VirtualService
                metadata: {name: web}
                spec:
                  hosts: [web]
                  http: [{route: [{destination: {host: web}}]}]
                """),
            "WARNING VX0105 VirtualService default/web: spec.http has 1 http route; vxmesh routes at L4 (tcp) only"),
        Arguments.of("an empty http list is nothing to report", List.of(vs("default", "echo",
                MESH_HOSTS + "\nhttp: []", "- route: [{destination: {host: echo-server-2}}]")), "no VX0104"),
        Arguments.of("a rule after a catch-all rule is shadowed", List.of(vs("default", "echo", MESH_HOSTS, """
                - route: [{destination: {host: echo-server-2}}]
                - match: [{port: 19000}]
                  route: [{destination: {host: echo-server}}]""")),
            "WARNING VX0106 VirtualService default/echo: tcp[1] is never used: tcp[0] before it matches every connection"),
        Arguments.of("a rule after an empty match block is shadowed", List.of(vs("default", "echo", MESH_HOSTS, """
                - match: [{port: 19001}, {}]
                  route: [{destination: {host: echo-server-2}}]
                - route: [{destination: {host: echo-server}}]
                - route: [{destination: {host: echo-server}}]""")),
            "WARNING VX0106 VirtualService default/echo: tcp[2] is never used: tcp[0] before it matches every connection"),
        Arguments.of("a rule after a per-gateway rule is not shadowed", List.of(vs("istio-system", "ingressgateway",
                "gateways: [ingressgateway-1, ingressgateway-2]\nhosts: ['*']", """
                - match: [{gateways: [ingressgateway-2]}]
                  route: [{destination: {host: echo-server-2.default.svc.cluster.local}}]
                - route: [{destination: {host: echo-server.default.svc.cluster.local}}]""")),
            "no VX0106"),
        Arguments.of("a Gateway that does not exist (a bare name is in the VirtualService's namespace)",
            List.of(vs("default", "gw", "gateways: [ingressgateway-1]\nhosts: ['*']",
                "- route: [{destination: {host: echo-server}}]")),
            "ERROR VX0107 VirtualService default/gw: spec.gateways names Gateway default/ingressgateway-1, which does not exist"),
        Arguments.of("a per-match Gateway that does not exist",
            List.of(vs("istio-system", "gw", "gateways: [ingressgateway-1]\nhosts: ['*']", """
                - match: [{gateways: [ingressgateway-3]}]
                  route: [{destination: {host: echo-server.default.svc.cluster.local}}]""")),
            "ERROR VX0107 VirtualService istio-system/gw: spec.tcp[0].match[0].gateways names Gateway"
                + " istio-system/ingressgateway-3, which does not exist"),
        Arguments.of("a per-match Gateway the VirtualService is not bound to",
            List.of(vs("istio-system", "gw", "gateways: [ingressgateway-1]\nhosts: ['*']", """
                - match: [{gateways: [ingressgateway-2]}]
                  route: [{destination: {host: echo-server.default.svc.cluster.local}}]""")),
            "WARNING VX0107 VirtualService istio-system/gw: tcp[0].match[0] names gateway istio-system/ingressgateway-2,"
                + " which is not among spec.gateways [istio-system/ingressgateway-1]"),
        Arguments.of("mesh is not a Gateway to look up", List.of(vs("default", "echo", "gateways: [mesh]\n" + MESH_HOSTS,
                "- match: [{gateways: [mesh]}]\n  route: [{destination: {host: echo-server-2}}]")), "no VX0107"),
        Arguments.of("a Gateway server that is not TCP", List.of("""
                apiVersion: networking.istio.io/v1beta1
                kind: Gateway
                metadata: {name: web, namespace: istio-system}
                spec:
                  selector: {istio: ingressgateway-1}
                  servers: [{hosts: ['*'], port: {name: http, number: 8080, protocol: HTTP}}]
                """),
            "WARNING VX0108 Gateway istio-system/web: server port 8080 has protocol HTTP; vxmesh gateways serve TCP servers and TLS"),
        Arguments.of("tls routes where no port is TLS", List.of("""
                apiVersion: networking.istio.io/v1beta1
                kind: VirtualService
                metadata: {name: tls}
                spec:
                  hosts: [echo-server]
                  tls: [{match: [{sniHosts: [echo.example.com]}], route: [{destination: {host: echo-server}}]}]
                """),
            "WARNING VX0109 VirtualService default/tls: spec.tls has 1 route(s), but no port they could apply to"),
        Arguments.of("a destination without ready endpoints", List.of("""
                apiVersion: v1
                kind: Service
                metadata: {name: idle}
                spec:
                  clusterIP: 10.96.0.99
                  selector: {app: idle}
                  ports: [{name: tcp, port: 7000}]
                """, vs("default", "echo", MESH_HOSTS, "- route: [{destination: {host: idle}}]")),
            "WARNING VX0110 VirtualService default/echo: tcp[0].route[0] destination idle.default.svc.cluster.local has no ready endpoints yet"),
        Arguments.of("a subset whose labels select no ready endpoint",
            List.of(destinationRule("echo-server", "[{name: canary, labels: {version: canary}}]")),
            "WARNING VX0111 DestinationRule default/echo: subset \"canary\" (version=canary) selects no ready endpoint"
                + " of echo-server.default.svc.cluster.local"),
        Arguments.of("several VirtualServices for one host", List.of(
                vs("default", "a", MESH_HOSTS, "- route: [{destination: {host: echo-server-2}}]"),
                vs("default", "b", MESH_HOSTS, "- route: [{destination: {host: echo-server-2}}]")),
            "INFO VX0112 -: VirtualServices [default/a, default/b] all apply to echo-server.default.svc.cluster.local"
                + " in the mesh; their tcp rules are tried in that order"),
        Arguments.of("VirtualService hosts that no server of the Gateway exposes", List.of("""
                apiVersion: networking.istio.io/v1beta1
                kind: Gateway
                metadata: {name: only-example, namespace: istio-system}
                spec:
                  selector: {istio: ingressgateway-1}
                  servers: [{hosts: [example.com], port: {name: tcp, number: 19005, protocol: TCP}}]
                """, vs("istio-system", "gw", "gateways: [only-example]\nhosts: [other.example.com]",
                "- route: [{destination: {host: echo-server.default.svc.cluster.local}}]")),
            "WARNING VX0114 VirtualService istio-system/gw: spec.hosts [other.example.com] match no server host of"
                + " Gateway istio-system/only-example"),
        Arguments.of("a clean gateway VirtualService", List.of(vs("istio-system", "gw",
                "gateways: [ingressgateway-1]\nhosts: ['*']", "- route: [{destination: {host: echo-server.default.svc.cluster.local}}]")),
            "no VX0114"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void findings(String name, List<String> manifests, String expected) {
    CompiledMesh mesh = compile(manifests.toArray(String[]::new));
    List<String> got = mesh.findings().stream()
        .map(f -> f.severity() + " " + f.code().id() + " " + (f.resource() == null ? "-" : f.resource()) + ": " + f.message())
        .toList();
    if (expected.startsWith("no ")) {
      String code = expected.substring(3);
      assertTrue(mesh.findings().stream().noneMatch(f -> f.code().id().equals(code)), () -> String.join("\n", got));
    } else {
      assertTrue(got.stream().anyMatch(line -> line.startsWith(expected)),
          () -> "expected a finding starting with\n  " + expected + "\ngot\n  " + String.join("\n  ", got));
    }
  }

  @Test
  void theWorldOfTheTablesIsClean() {
    assertEquals(List.of(), compile().findings());
  }

  @Test
  void findingsNameTheFileAndDocumentAndAreSortedErrorsFirst() {
    CompiledMesh mesh = compile(vs("default", "echo", MESH_HOSTS, """
        - route: [{destination: {host: echo-server, subset: blue}}]
        - route: [{destination: {host: echo-server}}]"""));
    List<String> formatted = mesh.findings().stream().map(Finding::format).toList();
    assertEquals(List.of(
        "ERROR VX0102 rows.yaml (document 9): VirtualService default/echo: tcp[0].route[0] subset \"blue\" of"
            + " echo-server.default.svc.cluster.local is defined by no DestinationRule (no DestinationRule has this host);"
            + " connections routed there are refused",
        "WARNING VX0106 rows.yaml (document 9): VirtualService default/echo: tcp[1] is never used: tcp[0] before it"
            + " matches every connection"), formatted);
  }
}
