package io.vxmesh.compile;

import static io.vxmesh.compile.L4Fixture.CLIENT;
import static io.vxmesh.compile.L4Fixture.CLIENT_2;
import static io.vxmesh.compile.L4Fixture.CLIENT_FOO;
import static io.vxmesh.compile.L4Fixture.ECHO2_V4;
import static io.vxmesh.compile.L4Fixture.ECHO_V4;
import static io.vxmesh.compile.L4Fixture.ECHO_V6;
import static io.vxmesh.compile.L4Fixture.GW1;
import static io.vxmesh.compile.L4Fixture.GW2;
import static io.vxmesh.compile.L4Fixture.at;
import static io.vxmesh.compile.L4Fixture.expect;
import static io.vxmesh.compile.L4Fixture.scenario;
import static io.vxmesh.compile.L4Fixture.to;
import static io.vxmesh.compile.L4Fixture.vs;
import static io.vxmesh.compile.L4MatchTest.DEFAULT_19000;
import static io.vxmesh.compile.L4MatchTest.DEFAULT_19001;
import static io.vxmesh.compile.L4MatchTest.MATCHED;
import static io.vxmesh.compile.L4MatchTest.NO_ROUTE;
import static io.vxmesh.compile.L4MatchTest.meshRule;

import io.vxmesh.compile.L4Fixture.Row;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How rules combine: AND inside a match block, OR across blocks, catch-all rules, first match wins,
 * fall-through to the next rule, to the default route (sidecars) or to a reset (gateways), several
 * VirtualServices in precedence order, and host names qualified relative to the resource.
 */
class L4RuleOrderTest {

  /** tcp[1] goes to echo-server's second port, so that it is told apart from the default route. */
  static final String THEN_ECHO_19001 = "- route: [{destination: {host: echo-server, port: {number: 19001}}}]";

  static Stream<Row> andOr() {
    return Stream.of(
        scenario("AND: port and sourceLabels", meshRule("[{port: 19000, sourceLabels: {app: telnet-client}}]"),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED),
            expect(CLIENT, to(ECHO_V4, 19001), DEFAULT_19001),
            expect(CLIENT_2, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("AND: port and destinationSubnets", meshRule("[{port: 19000, destinationSubnets: [192.168.0.0/16]}]"),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED),
            expect(CLIENT, to(ECHO_V6, 19000), DEFAULT_19000),
            expect(CLIENT, to(ECHO_V4, 19001), DEFAULT_19001)),
        scenario("AND: every field at once", meshRule("[{port: 19000, destinationSubnets: [192.168.0.0/16],"
                + " sourceLabels: {app: telnet-client}, sourceNamespace: default, gateways: [mesh]}]"),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED),
            expect(CLIENT, to(ECHO_V6, 19000), DEFAULT_19000),
            expect(CLIENT, to(ECHO_V4, 19001), DEFAULT_19001),
            expect(CLIENT_2, to(ECHO_V4, 19000), DEFAULT_19000),
            expect(CLIENT_FOO, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("OR: port or sourceLabels", meshRule("[{port: 19001}, {sourceLabels: {app: telnet-client}}]"),
            expect(CLIENT_2, to(ECHO_V4, 19001), MATCHED),
            expect(CLIENT_2, to(ECHO_V4, 19000), DEFAULT_19000),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED)),
        scenario("OR: two subnet blocks", meshRule("[{destinationSubnets: [10.0.0.0/8]}, {destinationSubnets: ['fd00:10::/64']}]"),
            expect(CLIENT, to(ECHO_V6, 19000), MATCHED),
            expect(CLIENT, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("OR: a subnet block or an unconditional block for this port",
            meshRule("[{destinationSubnets: [10.0.0.0/8]}, {port: 19001}]"),
            expect(CLIENT, to(ECHO_V4, 19001), MATCHED),
            expect(CLIENT, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("OR: blocks of different proxies in one rule",
            vs("default", "echo", "gateways: [mesh, istio-system/ingressgateway-1]\nhosts: [echo-server]", """
                - match: [{gateways: [istio-system/ingressgateway-1], port: 19001}, {sourceLabels: {app: telnet-client}}]
                  route: [{destination: {host: echo-server-2}}]"""),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED),
            expect(CLIENT_2, to(ECHO_V4, 19001), DEFAULT_19001),
            expect(GW1, at(19001), MATCHED),
            expect(GW1, at(19000), NO_ROUTE))
    ).flatMap(List::stream);
  }

  static Stream<Row> order() {
    return Stream.of(
        scenario("a rule without match is a catch-all", vs("default", "echo", "hosts: [echo-server]",
                "- route: [{destination: {host: echo-server-2}}]"),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED),
            expect(CLIENT_FOO, to(ECHO_V6, 19001), MATCHED)),
        scenario("an empty match list is a catch-all", meshRule("[]"),
            expect(CLIENT_2, to(ECHO_V4, 19001), MATCHED)),
        scenario("an empty match block is a catch-all", meshRule("[{}]"),
            expect(CLIENT_2, to(ECHO_V4, 19001), MATCHED)),
        scenario("first match wins, then fall-through to the next rule, then the default route",
            vs("default", "echo", "hosts: [echo-server]", """
                - match: [{sourceLabels: {app: telnet-client}}]
                  route: [{destination: {host: echo-server-2}}]
                - match: [{port: 19000}]
                  route: [{destination: {host: echo-server, port: {number: 19001}}}]"""),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED),
            expect(CLIENT_2, to(ECHO_V4, 19000), "default/echo tcp[1] -> echo-server.default:19001"),
            expect(CLIENT_2, to(ECHO_V4, 19001), DEFAULT_19001)),
        scenario("a catch-all before other rules takes everything", vs("default", "echo", "hosts: [echo-server]",
                "- route: [{destination: {host: echo-server-2}}]\n- match: [{port: 19000}]\n  route: [{destination: {host: echo-server}}]"),
            expect(CLIENT, to(ECHO_V4, 19000), MATCHED)),
        scenario("fall-through to a later catch-all",
            vs("default", "echo", "hosts: [echo-server]", "- match: [{port: 19001}]\n  route: [{destination: {host: echo-server-2}}]\n"
                + THEN_ECHO_19001),
            expect(CLIENT, to(ECHO_V4, 19001), MATCHED),
            expect(CLIENT, to(ECHO_V4, 19000), "default/echo tcp[1] -> echo-server.default:19001")),
        scenario("gateway: nothing matches, the connection is reset",
            vs("istio-system", "gw", "gateways: [ingressgateway-1]\nhosts: ['*']", """
                - match: [{port: 19001}]
                  route: [{destination: {host: echo-server-2.default.svc.cluster.local}}]"""),
            expect(GW1, at(19001), "istio-system/gw tcp[0] -> echo-server-2.default:19000"),
            expect(GW1, at(19000), NO_ROUTE),
            expect(GW2, at(19000), NO_ROUTE),
            expect(GW2, at(19001), "reject no_listener")),
        scenario("sidecar: a service without VirtualService takes its default route", List.of(),
            expect(CLIENT, to(ECHO2_V4, 19000), "default -> echo-server-2.default:19000"),
            expect(CLIENT, to(ECHO_V6, 19001), DEFAULT_19001)),
        scenario("sidecar: what is not a service port or a service", List.of(),
            expect(CLIENT, to(ECHO_V4, 9000), "reject unknown_port"),
            expect(CLIENT, to("10.0.0.21", 9000), "passthrough 10.0.0.21:9000"),
            expect(CLIENT, to("198.51.100.7", 443), "reject not_mesh"))
    ).flatMap(List::stream);
  }

  static Stream<Row> severalVirtualServices() {
    String catchAllTo2 = "- route: [{destination: {host: echo-server-2.default.svc.cluster.local}}]";
    String catchAllTo19001 = "- route: [{destination: {host: echo-server.default.svc.cluster.local, port: {number: 19001}}}]";
    String hosts = "hosts: [echo-server.default.svc.cluster.local]";
    return Stream.of(
        scenario("the older creationTimestamp first, whatever the name", List.of(
                vs("default", "a-newer", "2024-06-01T00:00:00Z", hosts, catchAllTo19001),
                vs("default", "b-older", "2024-01-01T00:00:00Z", hosts, catchAllTo2)),
            expect(CLIENT, to(ECHO_V4, 19000), "default/b-older tcp[0] -> echo-server-2.default:19000")),
        scenario("same creationTimestamp: by name", List.of(
                vs("default", "beta", "2024-01-01T00:00:00Z", hosts, catchAllTo2),
                vs("default", "alpha", "2024-01-01T00:00:00Z", hosts, catchAllTo19001)),
            expect(CLIENT, to(ECHO_V4, 19000), "default/alpha tcp[0] -> echo-server.default:19001")),
        scenario("same creationTimestamp: by namespace before name", List.of(
                vs("default", "alpha", "2024-01-01T00:00:00Z", hosts, catchAllTo19001),
                vs("aaa", "zeta", "2024-01-01T00:00:00Z", hosts, catchAllTo2)),
            expect(CLIENT, to(ECHO_V4, 19000), "aaa/zeta tcp[0] -> echo-server-2.default:19000")),
        scenario("fall-through from one VirtualService's rules to the next one's", List.of(
                vs("default", "newer", "2024-06-01T00:00:00Z", hosts, catchAllTo2),
                vs("default", "older", "2024-01-01T00:00:00Z", hosts,
                    "- match: [{port: 19001}]\n  route: [{destination: {host: echo-server-2}}]")),
            expect(CLIENT, to(ECHO_V4, 19001), "default/older tcp[0] -> echo-server-2.default:19000"),
            expect(CLIENT, to(ECHO_V4, 19000), "default/newer tcp[0] -> echo-server-2.default:19000")),
        scenario("gateway: several VirtualServices bound to one gateway, in the same order", List.of(
                vs("istio-system", "newer", "2024-06-01T00:00:00Z", "gateways: [ingressgateway-1]\nhosts: ['*']", catchAllTo19001),
                vs("istio-system", "older", "2024-01-01T00:00:00Z", "gateways: [ingressgateway-1]\nhosts: ['*']",
                    "- match: [{port: 19001}]\n  route: [{destination: {host: echo-server-2.default.svc.cluster.local}}]")),
            expect(GW1, at(19001), "istio-system/older tcp[0] -> echo-server-2.default:19000"),
            expect(GW1, at(19000), "istio-system/newer tcp[0] -> echo-server.default:19001"))
    ).flatMap(List::stream);
  }

  static Stream<Row> hostQualification() {
    String route2 = "- route: [{destination: {host: echo-server-2.default.svc.cluster.local}}]";
    return Stream.of(
        scenario("a short host is relative to the VirtualService's namespace", vs("default", "short", "hosts: [echo-server]", route2),
            expect(CLIENT, to(ECHO_V4, 19000), "default/short tcp[0] -> echo-server-2.default:19000")),
        scenario("the same short host in another namespace names another service",
            vs("foo", "short", "hosts: [echo-server]", route2),
            expect(CLIENT, to(ECHO_V4, 19000), DEFAULT_19000),
            expect(CLIENT_FOO, to(ECHO_V4, 19000), DEFAULT_19000)),
        scenario("a fully qualified host reaches across namespaces",
            vs("foo", "fqdn", "hosts: [echo-server.default.svc.cluster.local]", route2),
            expect(CLIENT, to(ECHO_V4, 19000), "foo/fqdn tcp[0] -> echo-server-2.default:19000")),
        scenario("a short destination host is relative to the VirtualService too",
            vs("foo", "short-dest", "hosts: [echo-server.default.svc.cluster.local]", "- route: [{destination: {host: echo-server-2}}]"),
            expect(CLIENT, to(ECHO_V4, 19000), "foo/short-dest tcp[0] -> echo-server-2.foo:19000")),
        scenario("a short destination host on a gateway is relative to the VirtualService's namespace",
            vs("istio-system", "gw", "gateways: [ingressgateway-1]\nhosts: ['*']", "- route: [{destination: {host: echo-server-2}}]"),
            expect(GW1, at(19000), "istio-system/gw tcp[0] -> echo-server-2.istio-system:19000")),
        scenario("a wildcard host covers every service of the namespace",
            vs("default", "wild", "hosts: ['*.default.svc.cluster.local']", route2),
            expect(CLIENT, to(ECHO_V4, 19001), "default/wild tcp[0] -> echo-server-2.default:19000"),
            expect(CLIENT, to(ECHO2_V4, 19000), "default/wild tcp[0] -> echo-server-2.default:19000")),
        scenario("a wildcard host of another namespace covers nothing here",
            vs("default", "wild", "hosts: ['*.foo.svc.cluster.local']", route2),
            expect(CLIENT, to(ECHO_V4, 19000), DEFAULT_19000))
    ).flatMap(List::stream);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void andOr(Row row) {
    row.check();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void order(Row row) {
    row.check();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void severalVirtualServices(Row row) {
    row.check();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void hostQualification(Row row) {
    row.check();
  }
}
