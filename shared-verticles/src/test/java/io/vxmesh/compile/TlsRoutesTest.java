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
 * Istio {@code VirtualService.spec.tls}: routes matched by the ClientHello's server name
 * ({@code sniHosts}, wildcards {@code *.example.com}), with the other L4 fields as tcp routes have
 * them; on sidecars for TLS and HTTPS Service ports, on gateways for TLS servers with
 * {@code tls.mode: PASSTHROUGH}. tls rules come first, then tcp rules; a connection whose decision
 * reaches a tls rule before its ClientHello was read is inspected first.
 */
class TlsRoutesTest {

  static final String WORLD = """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: default}
      spec:
        clusterIP: 10.96.0.30
        selector: {app: web}
        ports:
          - {name: https, port: 443, targetPort: 8443}
          - {name: tcp-plain, port: 9000, targetPort: 9000}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web-a, namespace: default}
      spec:
        clusterIP: 10.96.0.31
        selector: {app: web-a}
        ports: [{name: tls, port: 443, targetPort: 8443, appProtocol: tls}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web-b, namespace: default}
      spec:
        clusterIP: 10.96.0.32
        selector: {app: web-b}
        ports: [{name: tls, port: 443, targetPort: 8443, appProtocol: tls}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web-1, namespace: default, labels: {app: web}}
      status: {phase: Running, podIP: 10.0.1.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web-a-1, namespace: default, labels: {app: web-a}}
      status: {phase: Running, podIP: 10.0.1.2}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web-b-1, namespace: default, labels: {app: web-b}}
      status: {phase: Running, podIP: 10.0.1.3}
      ---
      apiVersion: networking.istio.io/v1beta1
      kind: Gateway
      metadata: {name: tls-gw, namespace: istio-system}
      spec:
        selector: {istio: tls-gw}
        servers:
          - {hosts: ['*'], port: {name: tls, number: 8443, protocol: TLS}, tls: {mode: PASSTHROUGH}}
          - {hosts: ['*'], port: {name: https, number: 9443, protocol: HTTPS}, tls: {mode: SIMPLE}}
      ---
      apiVersion: networking.istio.io/v1beta1
      kind: VirtualService
      metadata: {name: web, namespace: default}
      spec:
        hosts: [web.default.svc.cluster.local]
        gateways: [mesh, istio-system/tls-gw]
        tls:
          - match: [{sniHosts: [a.example.com]}]
            route: [{destination: {host: web-a}}]
          - match: [{sniHosts: ["*.b.example.com"], port: 443}, {sniHosts: [b.example.com], gateways: [istio-system/tls-gw]}]
            route: [{destination: {host: web-b}}]
        tcp:
          - match: [{port: 9000}]
            route: [{destination: {host: web-b, port: {number: 443}}}]
      """;

  static final ProxyIdentity SIDECAR = ProxyIdentity.sidecar("default", "client-1", "client", Map.of("app", "client"));
  static final ProxyIdentity GATEWAY = ProxyIdentity.gateway("istio-system", Map.of("istio", "tls-gw"));

  static CompiledMesh mesh() {
    ResourceParser.Result r = ResourceParser.parse("tls.yaml", WORLD);
    assertTrue(r.parsed() && r.findings().stream().noneMatch(Finding::isError), r.findings().toString());
    return MeshCompiler.compile(MeshSnapshot.of(r.resources()));
  }

  static String outcome(Decision d) {
    return switch (d) {
      case Decision.Forward f -> (f.rule() == null ? "default" : f.rule().toString()) + " -> "
          + f.route().targets().get(0).describe();
      case Decision.InspectTls t -> "inspect";
      case Decision.Reject r -> "reject " + r.reason().label();
      case Decision.Passthrough p -> "passthrough";
      case Decision.HttpEgress h -> "http-egress";
    };
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        // proxy, destination, port, SNI (null: not inspected; "-": not TLS), expected
        Arguments.of(SIDECAR, "10.96.0.30", 443, null, "inspect"),
        Arguments.of(SIDECAR, "10.96.0.30", 443, "a.example.com", "default/web tls[0] -> web-a.default.svc.cluster.local:443"),
        Arguments.of(SIDECAR, "10.96.0.30", 443, "x.b.example.com",
            "default/web tls[1] -> web-b.default.svc.cluster.local:443"),
        Arguments.of(SIDECAR, "10.96.0.30", 443, "b.example.com", "default -> web.default.svc.cluster.local:443"),
        Arguments.of(SIDECAR, "10.96.0.30", 443, "c.example.com", "default -> web.default.svc.cluster.local:443"),
        Arguments.of(SIDECAR, "10.96.0.30", 443, "-", "default -> web.default.svc.cluster.local:443"),
        Arguments.of(SIDECAR, "10.96.0.30", 443, "", "default -> web.default.svc.cluster.local:443"),
        // a plain TCP port of the same service: tls rules do not apply, no inspection
        Arguments.of(SIDECAR, "10.96.0.30", 9000, null, "default/web tcp[0] -> web-b.default.svc.cluster.local:443"),
        Arguments.of(GATEWAY, "127.0.0.1", 8443, null, "inspect"),
        Arguments.of(GATEWAY, "127.0.0.1", 8443, "a.example.com",
            "default/web tls[0] -> web-a.default.svc.cluster.local:443"),
        Arguments.of(GATEWAY, "127.0.0.1", 8443, "b.example.com",
            "default/web tls[1] -> web-b.default.svc.cluster.local:443"),
        Arguments.of(GATEWAY, "127.0.0.1", 8443, "x.b.example.com", "reject no_route"),
        Arguments.of(GATEWAY, "127.0.0.1", 8443, "other.example", "reject no_route"),
        Arguments.of(GATEWAY, "127.0.0.1", 9443, null, "reject no_listener"));
  }

  @ParameterizedTest(name = "{0} {1}:{2} sni={3} -> {4}")
  @MethodSource("rows")
  void decides(ProxyIdentity who, String destination, int port, String sni, String expected) {
    ProxyTable table = mesh().forProxy(who, "1");
    ConnectionFacts facts = new ConnectionFacts(port, IpAddress.parse(destination), port);
    if (sni != null) {
      facts = facts.withTls(sni.equals("-") ? ConnectionFacts.Tls.NOT_TLS
          : ConnectionFacts.Tls.hello(sni.isEmpty() ? null : sni));
    }
    assertEquals(expected, outcome(table.decide(facts)));
  }

  @org.junit.jupiter.api.Test
  void theGatewayListensOnItsPassthroughServerOnlyAndSaysWhyNotOnTheOther() {
    CompiledMesh mesh = mesh();
    assertEquals(List.of(8443), mesh.forProxy(GATEWAY, "1").listeners().stream().map(ProxyTable.Listener::port).toList());
    assertTrue(mesh.findings().stream().anyMatch(f -> f.code() == Finding.Code.UNSUPPORTED_SERVER
        && f.message().contains("server port 9443 has protocol HTTPS")), mesh.findings().toString());
    assertTrue(mesh.findings().stream().noneMatch(f -> f.code() == Finding.Code.TLS_ROUTES_NOT_SUPPORTED),
        mesh.findings().toString());
  }
}
