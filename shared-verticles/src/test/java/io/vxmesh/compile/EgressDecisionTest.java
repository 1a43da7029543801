package io.vxmesh.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.common.IpAddress;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.resource.Finding;
import io.vxmesh.resource.ResourceParser;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How a sidecar decides a connection to a destination outside the mesh (MISSION sections 3 and 4):
 * MeshConfig egress passthrough, then the OSM Egress policies naming its service account, by port:
 * tcp by address block, https by the ClientHello's server name, http per request.
 */
class EgressDecisionTest {

  static final ProxyIdentity CURL = ProxyIdentity.sidecar("curl", "curl-1", "curl", Map.of("app", "curl"));
  static final ProxyIdentity OTHER = ProxyIdentity.sidecar("curl", "other-1", "other", Map.of());

  static String meshConfig(boolean egress, boolean policy) {
    return """
        apiVersion: config.openservicemesh.io/v1alpha2
        kind: MeshConfig
        metadata: {name: osm-mesh-config, namespace: osm-system}
        spec:
          traffic: {enableEgress: %s, enablePermissiveTrafficPolicyMode: true}
          featureFlags: {enableEgressPolicy: %s}
        ---
        """.formatted(egress, policy);
  }

  static String egress(String name, String hosts, String ips, String ports) {
    return """
        kind: Egress
        apiVersion: policy.openservicemesh.io/v1alpha1
        metadata: {name: %s, namespace: curl}
        spec:
          sources: [{kind: ServiceAccount, name: curl, namespace: curl}]
          hosts: %s
          ipAddresses: %s
          ports: %s
        ---
        """.formatted(name, hosts, ips, ports);
  }

  static final String MESH_SERVICE = """
      apiVersion: v1
      kind: Service
      metadata: {name: tcp-echo, namespace: tcp-demo}
      spec:
        clusterIP: 10.96.0.20
        selector: {app: tcp-echo}
        ports: [{name: tcp, port: 443, targetPort: 9000, appProtocol: tcp}]
      ---
      """;

  static final String HTTP80 = egress("httpbin-80", "[httpbin.org]", "[]", "[{number: 80, protocol: http}]");
  static final String HTTPS443 = egress("httpbin-443", "[httpbin.org]", "[]", "[{number: 443, protocol: https}]");
  static final String TCP443 = egress("tcp-443", "[]", "[]", "[{number: 443, protocol: tcp}]");
  static final String TCP443_CIDR = egress("tcp-443-net", "[]", "['203.0.113.0/24']", "[{number: 443, protocol: tcp}]");
  static final String SERVER_FIRST = egress("mysql", "[]", "[]", "[{number: 3306, protocol: tcp-server-first}]");

  /** What a decision looks like in a row: kind, and the policy or reason it names. */
  static String describe(Decision d) {
    return switch (d) {
      case Decision.Passthrough p -> "passthrough " + p.why() + (p.external() ? "" : " (mesh)");
      case Decision.Reject r -> "reject " + r.reason().label();
      case Decision.InspectTls t -> "inspect-tls";
      case Decision.HttpEgress h -> "http " + h.rules().stream().map(EgressTable.Rule::policy).toList();
      case Decision.Forward f -> "forward " + (f.rule() == null ? "default" : f.rule());
    };
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        // name, manifests, identity, destination, port, tls (null = not inspected; "" = TLS without SNI; "-" = not TLS), expected
        Arguments.of("no policy: refused", meshConfig(false, true), CURL, "198.51.100.7", 80, null, "reject not_mesh"),
        Arguments.of("passthrough on: as it is", meshConfig(true, true), CURL, "198.51.100.7", 5432, null,
            "passthrough egress passthrough (MeshConfig enableEgress)"),
        Arguments.of("passthrough never touches mesh services", meshConfig(true, true) + MESH_SERVICE, CURL,
            "10.96.0.20", 443, null, "forward default"),
        Arguments.of("http policy: each request checked", meshConfig(false, true) + HTTP80, CURL, "198.51.100.7", 80,
            null, "http [curl/httpbin-80]"),
        Arguments.of("http policy, another port", meshConfig(false, true) + HTTP80, CURL, "198.51.100.7", 8080, null,
            "reject not_mesh"),
        Arguments.of("http policy for another service account", meshConfig(false, true) + HTTP80, OTHER,
            "198.51.100.7", 80, null, "reject not_mesh"),
        Arguments.of("egress policies off", meshConfig(false, false) + HTTP80, CURL, "198.51.100.7", 80, null,
            "reject not_mesh"),
        Arguments.of("https policy: needs the ClientHello", meshConfig(false, true) + HTTPS443, CURL, "198.51.100.7",
            443, null, "inspect-tls"),
        Arguments.of("https policy: SNI matches", meshConfig(false, true) + HTTPS443, CURL, "198.51.100.7", 443,
            "httpbin.org", "passthrough Egress curl/httpbin-443 (https, SNI httpbin.org)"),
        Arguments.of("https policy: other SNI", meshConfig(false, true) + HTTPS443, CURL, "198.51.100.7", 443,
            "openservicemesh.io", "reject denied"),
        Arguments.of("https policy: no SNI", meshConfig(false, true) + HTTPS443, CURL, "198.51.100.7", 443, "",
            "reject denied"),
        Arguments.of("https policy: not TLS", meshConfig(false, true) + HTTPS443, CURL, "198.51.100.7", 443, "-",
            "reject denied"),
        Arguments.of("tcp policy: any host on the port", meshConfig(false, true) + TCP443, CURL, "198.51.100.7", 443,
            null, "passthrough Egress curl/tcp-443 (tcp)"),
        Arguments.of("tcp wins over https on the same port, without inspection",
            meshConfig(false, true) + HTTPS443 + TCP443, CURL, "198.51.100.7", 443, null,
            "passthrough Egress curl/tcp-443 (tcp)"),
        Arguments.of("tcp policy with ipAddresses: inside", meshConfig(false, true) + TCP443_CIDR, CURL,
            "203.0.113.9", 443, null, "passthrough Egress curl/tcp-443-net (tcp)"),
        Arguments.of("tcp policy with ipAddresses: outside", meshConfig(false, true) + TCP443_CIDR, CURL,
            "198.51.100.7", 443, null, "reject denied"),
        Arguments.of("tcp-server-first: no bytes awaited", meshConfig(false, true) + SERVER_FIRST, CURL,
            "198.51.100.7", 3306, null, "passthrough Egress curl/mysql (tcp-server-first)"),
        Arguments.of("https and http on one port: TLS first", meshConfig(false, true) + HTTPS443
            + egress("h", "[httpbin.org]", "[]", "[{number: 443, protocol: http}]"), CURL, "198.51.100.7", 443, "-",
            "http [curl/h]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decides(String name, String manifests, ProxyIdentity who, String destination, int port, String tls,
      String expected) {
    ProxyTable table = compile(manifests).forProxy(who, "1-test");
    ConnectionFacts facts = new ConnectionFacts(15001, IpAddress.parse(destination), port);
    if (tls != null) {
      facts = facts.withTls(tls.equals("-") ? ConnectionFacts.Tls.NOT_TLS
          : ConnectionFacts.Tls.hello(tls.isEmpty() ? null : tls));
    }
    assertEquals(expected, describe(table.decide(facts)));
  }

  static CompiledMesh compile(String manifests) {
    ResourceParser.Result r = ResourceParser.parse("egress.yaml", manifests);
    assertTrue(r.parsed(), r.findings().toString());
    return MeshCompiler.compile(MeshSnapshot.of(r.resources()));
  }

  static Stream<Arguments> routeRows() {
    return Stream.of(
        Arguments.of("/get", "GET", "/get", true),
        Arguments.of("/get", "GET", "/get/x", false),
        Arguments.of("/get", "GET", "/got", false),
        Arguments.of("/status.*", "GET", "/status/200", true),
        Arguments.of("/status.*", "HEAD", "/status", true),
        Arguments.of("", "DELETE", "/anything", true));
  }

  @ParameterizedTest(name = "pathRegex {0}: {1} {2} -> {3}")
  @MethodSource("routeRows")
  void httpRouteGroupPathsMatchTheWholePath(String regex, String method, String path, boolean allowed) {
    String group = """
        apiVersion: specs.smi-spec.io/v1alpha4
        kind: HTTPRouteGroup
        metadata: {name: routes, namespace: curl}
        spec:
          matches:
          - {name: m, pathRegex: "%s", methods: ["*"]}
        ---
        """.formatted(regex);
    String policy = egress("httpbin-80", "[httpbin.org]", "[]", "[{number: 80, protocol: http}]").replace(
        "  ports:", "  matches: [{apiGroup: specs.smi-spec.io/v1alpha4, kind: HTTPRouteGroup, name: routes}]\n  ports:");
    Decision d = compile(group + policy).forProxy(CURL, "1")
        .decide(new ConnectionFacts(15001, IpAddress.parse("198.51.100.7"), 80));
    EgressTable.Rule rule = ((Decision.HttpEgress) d).rules().get(0);
    assertEquals(allowed, rule.route(method, path, h -> null) != null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("findingRows")
  void egressMistakesAreReported(String name, String manifests, String code, String words) {
    List<Finding> findings = compile(manifests).findings();
    assertTrue(findings.stream().anyMatch(f -> f.code().id().equals(code) && f.message().contains(words)),
        findings.toString());
  }

  static Stream<Arguments> findingRows() {
    return Stream.of(
        Arguments.of("missing HTTPRouteGroup", HTTP80.replace("  ports:",
            "  matches: [{kind: HTTPRouteGroup, name: nope}]\n  ports:"), "VX0201", "curl/nope, which does not exist"),
        Arguments.of("egress policies off", meshConfig(false, false) + HTTP80, "VX0301", "enableEgressPolicy is false"),
        Arguments.of("matches of another kind", HTTP80.replace("  ports:",
            "  matches: [{kind: UpstreamTrafficSetting, name: uts}]\n  ports:"), "VX0302", "it is ignored"),
        Arguments.of("server-first port shared", SERVER_FIRST + egress("y", "[a.example]", "[]",
            "[{number: 3306, protocol: http}]"), "VX0302", "server-first port"));
  }
}
