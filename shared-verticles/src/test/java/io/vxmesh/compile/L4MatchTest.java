package io.vxmesh.compile;

import static io.vxmesh.compile.L4Fixture.CLIENT;
import static io.vxmesh.compile.L4Fixture.CLIENT_2;
import static io.vxmesh.compile.L4Fixture.CLIENT_FOO;
import static io.vxmesh.compile.L4Fixture.CLIENT_V1;
import static io.vxmesh.compile.L4Fixture.ECHO_V4;
import static io.vxmesh.compile.L4Fixture.ECHO_V6;
import static io.vxmesh.compile.L4Fixture.EDGE;
import static io.vxmesh.compile.L4Fixture.GW1;
import static io.vxmesh.compile.L4Fixture.GW2;
import static io.vxmesh.compile.L4Fixture.UNLABELLED;
import static io.vxmesh.compile.L4Fixture.at;
import static io.vxmesh.compile.L4Fixture.expect;
import static io.vxmesh.compile.L4Fixture.scenario;
import static io.vxmesh.compile.L4Fixture.to;
import static io.vxmesh.compile.L4Fixture.vs;

import io.vxmesh.compile.L4Fixture.Row;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every L4 match field of MISSION.md section 1, on gateways and on sidecars, with rows that must
 * match and rows that must not. One row: manifests in, proxy + connection in, decision out.
 */
class L4MatchTest {

  /** The route most rows send a matching connection to (the seed's echo-server-2). */
  static final String TO_ECHO_2 = "route: [{destination: {host: echo-server-2.default.svc.cluster.local}}]";

  /** A mesh VirtualService for echo-server with one rule: {@code match} then {@link #TO_ECHO_2}. */
  static String meshRule(String match) {
    return vs("default", "echo", "hosts: [echo-server]", "- match: " + match + "\n  " + TO_ECHO_2);
  }

  /** A VirtualService in istio-system bound to {@code gateways}, with one rule. */
  static String gatewayRule(String name, String gateways, String match) {
    return vs("istio-system", name, "hosts: ['*']\ngateways: " + gateways, "- match: " + match + "\n  " + TO_ECHO_2);
  }

  /** A Gateway of ingressgateway-1's pods whose servers expose some hosts only. */
  static final String HOSTS_GATEWAY = """
      apiVersion: networking.istio.io/v1beta1
      kind: Gateway
      metadata: {name: hosts-gw, namespace: istio-system}
      spec:
        selector: {istio: ingressgateway-1}
        servers:
          - {hosts: ['*.example.com'], port: {name: tcp-web, number: 19002, protocol: TCP}}
          - {hosts: ['default/*'], port: {name: tcp-default, number: 19003, protocol: TCP}}
      """;

  static final String MATCHED = "default/echo tcp[0] -> echo-server-2.default:19000";
  static final String DEFAULT_19000 = "default -> echo-server.default:19000";
  static final String DEFAULT_19001 = "default -> echo-server.default:19001";
  static final String NO_ROUTE = "reject no_route";

  // ---------------------------------------------------------------- port

  static Stream<Row> port() {
    return Stream.of(
        scenario("sidecar port is the original destination port", meshRule("[{port: 19000}]"),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED),
            expect(CLIENT, to(ECHO_V6, 19000), MATCHED),
            expect(CLIENT, to(ECHO_V4, 19001), DEFAULT_19001)),
        scenario("sidecar port is the service port, not the target port", meshRule("[{port: 9000}]"),
            expect(CLIENT, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("sidecar port 0 means any port", meshRule("[{port: 0}]"),
            expect(CLIENT, to(ECHO_V4, 19001), MATCHED)),
        scenario("sidecar port absent means any port", meshRule("[{sourceNamespace: default}]"),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED),
            expect(CLIENT, to(ECHO_V4, 19001), MATCHED)),
        scenario("gateway port is the listener port",
            gatewayRule("gw-port", "[ingressgateway-1]", "[{port: 19000}]"),
            expect(GW1, at(19000), "istio-system/gw-port tcp[0] -> echo-server-2.default:19000"),
            expect(GW1, at(19001), NO_ROUTE)),
        scenario("gateway port 0 means any port", gatewayRule("gw-port", "[ingressgateway-1]", "[{port: 0}]"),
            expect(GW1, at(19001), "istio-system/gw-port tcp[0] -> echo-server-2.default:19000")),
        scenario("gateway port absent means any port",
            gatewayRule("gw-port", "[ingressgateway-1]", "[{sourceNamespace: istio-system}]"),
            expect(GW1, at(19001), "istio-system/gw-port tcp[0] -> echo-server-2.default:19000")),
        scenario("gateway destination without port takes the listener port when the service has several",
            vs("istio-system", "gw-port", "hosts: ['*']\ngateways: [ingressgateway-1]",
                "- route: [{destination: {host: echo-server.default.svc.cluster.local}}]"),
            expect(GW1, at(19000), "istio-system/gw-port tcp[0] -> echo-server.default:19000"),
            expect(GW1, at(19001), "istio-system/gw-port tcp[0] -> echo-server.default:19001"))
    ).flatMap(List::stream);
  }

  // ---------------------------------------------------------------- destinationSubnets

  static Stream<Row> destinationSubnets() {
    return Stream.of(
        scenario("IPv4 CIDR", meshRule("[{destinationSubnets: [192.168.0.0/16]}]"),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED),
            expect(CLIENT, to(ECHO_V6, 19000), DEFAULT_19000)),
        scenario("IPv6 CIDR", meshRule("[{destinationSubnets: ['fd00:10::/64']}]"),
            expect(CLIENT, to(ECHO_V6, 19000), MATCHED),
            expect(CLIENT, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("bare IPv4 address", meshRule("[{destinationSubnets: [192.168.10.10]}]"),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED),
            expect(CLIENT, to(ECHO_V6, 19000), DEFAULT_19000)),
        scenario("bare IPv4 address of another host", meshRule("[{destinationSubnets: [192.168.10.11]}]"),
            expect(CLIENT, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("bare IPv6 address", meshRule("[{destinationSubnets: ['fd00:10::10']}]"),
            expect(CLIENT, to(ECHO_V6, 19000), MATCHED),
            expect(CLIENT, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("bare IPv6 address of another host", meshRule("[{destinationSubnets: ['fd00:10::11']}]"),
            expect(CLIENT, to(ECHO_V6, 19000), DEFAULT_19000)),
        scenario("several subnets in one block: any of them", meshRule("[{destinationSubnets: [10.0.0.0/8, 'fd00:10::/64']}]"),
            expect(CLIENT, to(ECHO_V6, 19000), MATCHED),
            expect(CLIENT, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("several IPv4 subnets in one block", meshRule("[{destinationSubnets: [10.0.0.0/8, 192.168.10.0/24]}]"),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED)),
        scenario("IPv4 /0 holds no IPv6 address", meshRule("[{destinationSubnets: [0.0.0.0/0]}]"),
            expect(CLIENT, to(ECHO_V4, 19001), "default/echo tcp[0] -> echo-server-2.default:19000"),
            expect(CLIENT, to(ECHO_V6, 19000), DEFAULT_19000)),
        scenario("IPv6 /0 holds no IPv4 address", meshRule("[{destinationSubnets: ['::/0']}]"),
            expect(CLIENT, to(ECHO_V6, 19000), MATCHED),
            expect(CLIENT, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("an IPv4-mapped IPv6 destination is the IPv4 address", meshRule("[{destinationSubnets: [192.168.0.0/16]}]"),
            expect(CLIENT, to("::ffff:192.168.10.10", 19000), MATCHED)),
        scenario("host bits of the written network are ignored", meshRule("[{destinationSubnets: [192.168.10.10/16]}]"),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED)),
        scenario("gateway: the address the connection arrived at",
            gatewayRule("gw-subnets", "[ingressgateway-1]", "[{destinationSubnets: [127.0.2.0/24, '::1']}]"),
            expect(GW1, at("127.0.2.1", 19000), "istio-system/gw-subnets tcp[0] -> echo-server-2.default:19000"),
            expect(GW1, at("::1", 19000), "istio-system/gw-subnets tcp[0] -> echo-server-2.default:19000"),
            expect(GW1, at("127.0.3.1", 19000), NO_ROUTE),
            expect(GW1, at("::2", 19000), NO_ROUTE))
    ).flatMap(List::stream);
  }

  // ---------------------------------------------------------------- sourceLabels

  static Stream<Row> sourceLabels() {
    return Stream.of(
        scenario("seed: app=telnet-client", meshRule("[{sourceLabels: {app: telnet-client}}]"),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED),
            expect(CLIENT_2, to(ECHO_V4, 19000), DEFAULT_19000),
            expect(UNLABELLED, to(ECHO_V4, 19000), DEFAULT_19000),
            expect(CLIENT_FOO, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("every label of the selector must be present with its value",
            meshRule("[{sourceLabels: {app: telnet-client, version: v1}}]"),
            expect(CLIENT_V1, to(ECHO_V4, 19000), MATCHED),
            expect(CLIENT, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("a different value does not match", meshRule("[{sourceLabels: {app: telnet-client, version: v2}}]"),
            expect(CLIENT_V1, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("gateway: the labels of the gateway workload",
            gatewayRule("gw-labels", "[ingressgateway-1, ingressgateway-2]", "[{sourceLabels: {istio: ingressgateway-2}}]"),
            expect(GW2, at(19000), "istio-system/gw-labels tcp[0] -> echo-server-2.default:19000"),
            expect(GW1, at(19000), NO_ROUTE)),
        scenario("gateway: extra labels of the workload do not matter",
            gatewayRule("gw-labels", "[ingressgateway-1]", "[{sourceLabels: {app: istio-ingressgateway}}]"),
            expect(GW1, at(19000), "istio-system/gw-labels tcp[0] -> echo-server-2.default:19000"))
    ).flatMap(List::stream);
  }

  // ---------------------------------------------------------------- sourceNamespace

  static Stream<Row> sourceNamespace() {
    String seed = vs("default", "source-namespace", "hosts: [echo-server.default.svc.cluster.local]", """
        - match: [{sourceNamespace: foo}]
          route: [{destination: {host: echo-server-2.default.svc.cluster.local}}]
        - route: [{destination: {host: echo-server.default.svc.cluster.local}}]""");
    return Stream.of(
        scenario("seed: foo goes to echo-server-2, the rest to echo-server", seed,
            expect(CLIENT_FOO, to(ECHO_V4, 19000), "default/source-namespace tcp[0] -> echo-server-2.default:19000"),
            expect(CLIENT, to(ECHO_V4, 19000), "default/source-namespace tcp[1] -> echo-server.default:19000"),
            expect(CLIENT, to(ECHO_V4, 19001), "default/source-namespace tcp[1] -> echo-server.default:19001")),
        scenario("the namespace of the proxy's workload, not of the service", meshRule("[{sourceNamespace: default}]"),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED),
            expect(CLIENT_FOO, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("gateway: the namespace the gateway runs in",
            gatewayRule("gw-ns", "[ingressgateway-1, default/edge]", "[{sourceNamespace: istio-system}]"),
            expect(GW1, at(19000), "istio-system/gw-ns tcp[0] -> echo-server-2.default:19000"),
            expect(EDGE, at(19000), NO_ROUTE))
    ).flatMap(List::stream);
  }

  // ---------------------------------------------------------------- gateways

  static Stream<Row> gateways() {
    String seed = vs("istio-system", "ingressgateway", "gateways: [ingressgateway-1, ingressgateway-2]\nhosts: ['*']", """
        - match: [{gateways: [ingressgateway-2]}]
          route: [{destination: {host: echo-server-2.default.svc.cluster.local}}]
        - route: [{destination: {host: echo-server.default.svc.cluster.local}}]""");
    String catchAll = "- " + TO_ECHO_2;
    return Stream.of(
        scenario("seed: a per-match list narrows the top-level one", seed,
            expect(GW1, at(19000), "istio-system/ingressgateway tcp[1] -> echo-server.default:19000"),
            expect(GW2, at(19000), "istio-system/ingressgateway tcp[0] -> echo-server-2.default:19000"),
            expect(EDGE, at(19000), NO_ROUTE),
            expect(CLIENT, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("a bare name is a Gateway of the VirtualService's namespace",
            vs("default", "bare", "gateways: [edge]\nhosts: ['*']", catchAll),
            expect(EDGE, at(19000), "default/bare tcp[0] -> echo-server-2.default:19000"),
            expect(GW1, at(19000), NO_ROUTE)),
        scenario("a bare name does not reach a Gateway of another namespace",
            vs("default", "wrong-ns", "gateways: [ingressgateway-1]\nhosts: ['*']", catchAll),
            expect(GW1, at(19000), NO_ROUTE)),
        scenario("namespace/name", vs("default", "qualified", "gateways: [istio-system/ingressgateway-1]\nhosts: ['*']", catchAll),
            expect(GW1, at(19000), "default/qualified tcp[0] -> echo-server-2.default:19000"),
            expect(GW2, at(19000), NO_ROUTE)),
        scenario("no top-level gateways means mesh only", vs("default", "echo", "hosts: [echo-server]", catchAll),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED),
            expect(GW1, at(19000), NO_ROUTE)),
        scenario("mesh and a gateway",
            vs("default", "echo", "gateways: [mesh, istio-system/ingressgateway-1]\nhosts: [echo-server]", catchAll),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED),
            expect(GW1, at(19000), MATCHED),
            expect(GW2, at(19000), NO_ROUTE)),
        scenario("a VirtualService bound only to gateways does not apply on sidecars",
            vs("default", "echo", "gateways: [istio-system/ingressgateway-1]\nhosts: [echo-server]", catchAll),
            expect(CLIENT, to(ECHO_V4, 19000), DEFAULT_19000),
            expect(GW1, at(19000), MATCHED)),
        scenario("per-match mesh: that rule on sidecars only",
            vs("default", "split", "gateways: [mesh, istio-system/ingressgateway-1]\nhosts: [echo-server]", """
                - match: [{gateways: [mesh]}]
                  route: [{destination: {host: echo-server-2}}]
                - route: [{destination: {host: echo-server, port: {number: 19001}}}]"""),
            expect(CLIENT, to(ECHO_V4, 19000), "default/split tcp[0] -> echo-server-2.default:19000"),
            expect(GW1, at(19000), "default/split tcp[1] -> echo-server.default:19001")),
        scenario("per-match gateway in a mesh VirtualService never applies on sidecars",
            meshRule("[{gateways: [istio-system/ingressgateway-1]}]"),
            expect(CLIENT, to(ECHO_V4, 19000), DEFAULT_19000),
            expect(GW1, at(19000), NO_ROUTE)),
        scenario("per-match gateway that is not in the top-level list never applies",
            gatewayRule("narrow", "[ingressgateway-1]", "[{gateways: [ingressgateway-2]}]"),
            expect(GW1, at(19000), NO_ROUTE),
            expect(GW2, at(19000), NO_ROUTE)),
        scenario("a VirtualService binds to the servers whose hosts match its hosts", List.of(HOSTS_GATEWAY,
                vs("istio-system", "by-host", "gateways: [hosts-gw]\nhosts: [web.example.com]", catchAll)),
            expect(GW1, at(19002), "istio-system/by-host tcp[0] -> echo-server-2.default:19000"),
            expect(GW1, at(19003), NO_ROUTE)),
        scenario("hosts that match no server host do not bind", List.of(HOSTS_GATEWAY,
                vs("istio-system", "other-host", "gateways: [hosts-gw]\nhosts: [web.other.test]", catchAll)),
            expect(GW1, at(19002), NO_ROUTE)),
        scenario("a server host ns/* binds VirtualServices of that namespace only", List.of(HOSTS_GATEWAY,
                vs("default", "in-default", "gateways: [istio-system/hosts-gw]\nhosts: [anything.test]", catchAll),
                vs("istio-system", "in-istio-system", "gateways: [hosts-gw]\nhosts: [anything.test]",
                    "- route: [{destination: {host: echo-server.default.svc.cluster.local}}]")),
            expect(GW1, at(19003), "default/in-default tcp[0] -> echo-server-2.default:19000"),
            expect(GW1, at(19002), NO_ROUTE)),
        scenario("per-match list with several gateways",
            gatewayRule("both", "[ingressgateway-1, ingressgateway-2, default/edge]",
                "[{gateways: [ingressgateway-1, ingressgateway-2]}]"),
            expect(GW1, at(19000), "istio-system/both tcp[0] -> echo-server-2.default:19000"),
            expect(GW2, at(19000), "istio-system/both tcp[0] -> echo-server-2.default:19000"),
            expect(EDGE, at(19000), NO_ROUTE))
    ).flatMap(List::stream);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void port(Row row) {
    row.check();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void destinationSubnets(Row row) {
    row.check();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void sourceLabels(Row row) {
    row.check();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void sourceNamespace(Row row) {
    row.check();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void gateways(Row row) {
    row.check();
  }
}
