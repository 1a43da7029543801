package io.vxmesh.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.common.IpAddress;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.resource.Finding;
import io.vxmesh.resource.ResourceParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The small world the table-driven compiler tests route in, modelled on seed 002: two echo
 * Services with their pods, three Gateways, and the client identities of the seed. Manifests are
 * text, parsed by the real {@link ResourceParser}, so every row exercises the whole path
 * parser -> compiler -> per-proxy table -> {@link ProxyTable#decide}.
 */
final class L4Fixture {

  private L4Fixture() {}

  /** echo-server's virtual IPs (dual stack) and ports. */
  static final String ECHO_V4 = "192.168.10.10";
  static final String ECHO_V6 = "fd00:10::10";
  static final String ECHO2_V4 = "10.96.0.20";

  /** Addresses the gateway listens on in the rows (only compared, never connected to). */
  static final String GW_ADDRESS = "127.0.2.1";

  /** The services, pods and gateways every row starts from. */
  static final String WORLD = """
      apiVersion: v1
      kind: Service
      metadata: {name: echo-server, namespace: default, labels: {app: echo-server}}
      spec:
        selector: {app: echo-server}
        clusterIP: 192.168.10.10
        clusterIPs: [192.168.10.10, "fd00:10::10"]
        ports:
          - {name: tcp, protocol: TCP, port: 19000, targetPort: 9000}
          - {name: tcp-other, protocol: TCP, port: 19001, targetPort: 9001}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: echo-server-2, namespace: default, labels: {app: echo-server-2}}
      spec:
        selector: {app: echo-server-2}
        clusterIP: 10.96.0.20
        ports:
          - {name: tcp, protocol: TCP, port: 19000, targetPort: 9000}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: echo-server-prod, namespace: default, labels: {app: echo-server, version: prod}}
      spec: {serviceAccountName: echo-server}
      status: {phase: Running, podIP: 10.0.0.11}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: echo-server-gray, namespace: default, labels: {app: echo-server, version: gray}}
      spec: {serviceAccountName: echo-server}
      status: {phase: Running, podIP: 10.0.0.12}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: echo-server-2, namespace: default, labels: {app: echo-server-2}}
      spec: {serviceAccountName: echo-server-2}
      status: {phase: Running, podIP: 10.0.0.21}
      ---
      apiVersion: networking.istio.io/v1beta1
      kind: Gateway
      metadata: {name: ingressgateway-1, namespace: istio-system}
      spec:
        selector: {istio: ingressgateway-1}
        servers:
          - {hosts: ['*'], port: {name: tcp, number: 19000, protocol: TCP}}
          - {hosts: ['*'], port: {name: tcp-other, number: 19001, protocol: TCP}}
      ---
      apiVersion: networking.istio.io/v1beta1
      kind: Gateway
      metadata: {name: ingressgateway-2, namespace: istio-system}
      spec:
        selector: {istio: ingressgateway-2}
        servers:
          - {hosts: ['*'], port: {name: tcp, number: 19000, protocol: TCP}}
      ---
      apiVersion: networking.istio.io/v1beta1
      kind: Gateway
      metadata: {name: edge, namespace: default}
      spec:
        selector: {istio: edge}
        servers:
          - {hosts: ['*'], port: {name: tcp, number: 19000, protocol: TCP}}
      """;

  // ---------------------------------------------------------------- who is asking

  /** The seed's telnet-client (default), with the extra labels a Deployment's pod carries. */
  static final ProxyIdentity CLIENT = ProxyIdentity.sidecar("default", "telnet-client-5786fc744f-9abcd",
      "telnet-client", Map.of("app", "telnet-client", "pod-template-hash", "5786fc744f"));
  static final ProxyIdentity CLIENT_2 = ProxyIdentity.sidecar("default", "telnet-client-2-c56db78bd-7abcd",
      "telnet-client-2", Map.of("app", "telnet-client-2"));
  static final ProxyIdentity CLIENT_FOO = ProxyIdentity.sidecar("foo", "telnet-client-foo-7c94569bfd-habcd",
      "telnet-client-foo", Map.of("app", "telnet-client-foo"));
  /** A telnet-client that also carries {@code version: v1}. */
  static final ProxyIdentity CLIENT_V1 = ProxyIdentity.sidecar("default", "telnet-client-v1",
      "telnet-client", Map.of("app", "telnet-client", "version", "v1"));
  /** A sidecar whose pod has no labels at all. */
  static final ProxyIdentity UNLABELLED = ProxyIdentity.sidecar("default", "bare", "default", Map.of());

  static final ProxyIdentity GW1 = ProxyIdentity.gateway("istio-system",
      Map.of("istio", "ingressgateway-1", "app", "istio-ingressgateway"));
  static final ProxyIdentity GW2 = ProxyIdentity.gateway("istio-system", Map.of("istio", "ingressgateway-2"));
  /** Selected by Gateway default/edge, but running in namespace {@code edge}. */
  static final ProxyIdentity EDGE = ProxyIdentity.gateway("edge", Map.of("istio", "edge"));

  // ---------------------------------------------------------------- connections

  /** A connection a sidecar intercepted to {@code ip:port} (its original destination). */
  static ConnectionFacts to(String ip, int port) {
    return new ConnectionFacts(15001, IpAddress.parse(ip), port);
  }

  /** A connection a gateway accepted on its listener {@code port}. */
  static ConnectionFacts at(int port) {
    return at(GW_ADDRESS, port);
  }

  /** A connection a gateway accepted on {@code ip:port}. */
  static ConnectionFacts at(String ip, int port) {
    return new ConnectionFacts(port, IpAddress.parse(ip), port);
  }

  // ---------------------------------------------------------------- manifests

  /**
   * A VirtualService: {@code head} is the rest of {@code spec} (hosts, gateways) as YAML, {@code tcp}
   * the list under {@code spec.tcp}.
   */
  static String vs(String namespace, String name, String head, String tcp) {
    return vs(namespace, name, "", head, tcp);
  }

  static String vs(String namespace, String name, String creationTimestamp, String head, String tcp) {
    String meta = "{name: " + name + ", namespace: " + namespace
        + (creationTimestamp.isEmpty() ? "" : ", creationTimestamp: \"" + creationTimestamp + "\"") + "}";
    return "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: " + meta + "\nspec:\n"
        + head.stripIndent().indent(2) + "  tcp:\n" + tcp.stripIndent().indent(4);
  }

  static String docs(String... documents) {
    return String.join("\n---\n", documents);
  }

  /** Parses {@link #WORLD} plus {@code extra} and compiles them; admission must accept every document. */
  static CompiledMesh compile(String... extra) {
    ResourceParser.Result r = ResourceParser.parse("rows.yaml", docs(WORLD, docs(extra)));
    List<Finding> refused = r.findings().stream().filter(Finding::isError).toList();
    assertTrue(refused.isEmpty(), () -> "the row's manifests must be admitted, got " + refused);
    return MeshCompiler.compile(new MeshSnapshot(1, r.resources(), r.findings()));
  }

  static Decision decide(CompiledMesh mesh, ProxyIdentity who, ConnectionFacts facts) {
    return mesh.forProxy(who, "test").decide(facts);
  }

  // ---------------------------------------------------------------- outcomes as text

  /**
   * A decision as one line: {@code default/echo tcp[0] -> echo-server-2.default:19000},
   * {@code default -> echo-server.default:19001} (the sidecar's default route), {@code reject no_route},
   * {@code passthrough 10.0.0.11:9000}. Several destinations are listed with their weights.
   */
  static String outcome(Decision d) {
    return switch (d) {
      case Decision.Forward f -> (f.rule() == null ? "default" : f.rule().toString()) + " -> " + targets(f.route(), false);
      case Decision.Passthrough p -> "passthrough " + new Upstream(p.ip(), p.port(), "", "");
      case Decision.Reject r -> "reject " + r.reason().label();
      case Decision.InspectTls t -> "inspect-tls";
      case Decision.HttpEgress h -> "http-egress " + new Upstream(h.ip(), h.port(), "", "");
    };
  }

  /** Like {@link #outcome}, with each destination's endpoints: {@code ... -> echo-server.default:19000|gray [10.0.0.12:9000]}. */
  static String outcomeWithEndpoints(Decision d) {
    if (d instanceof Decision.Forward f) {
      return (f.rule() == null ? "default" : f.rule().toString()) + " -> " + targets(f.route(), true);
    }
    return outcome(d);
  }

  private static String targets(Route route, boolean endpoints) {
    List<String> out = new ArrayList<>();
    for (Target t : route.targets()) {
      String s = shortHost(t.describe());
      if (route.targets().size() > 1) {
        s += " w" + t.weight();
      }
      if (endpoints) {
        s += t.endpoints().stream().map(Upstream::toString).collect(Collectors.joining(", ", " [", "]"));
      }
      out.add(s);
    }
    return String.join(", ", out);
  }

  /** {@code echo-server.default.svc.cluster.local:19000} -> {@code echo-server.default:19000}. */
  static String shortHost(String described) {
    return described.replace(".svc." + Hosts.CLUSTER_DOMAIN, "");
  }

  // ---------------------------------------------------------------- rows

  /** One probe of a scenario: who connects where, and what must happen. */
  record Probe(ProxyIdentity who, ConnectionFacts facts, String expected) {}

  static Probe expect(ProxyIdentity who, ConnectionFacts facts, String expected) {
    return new Probe(who, facts, expected);
  }

  /** One table row: manifests in, a proxy and a connection in, the expected decision out. */
  record Row(String name, List<String> manifests, Probe probe) {
    @Override
    public String toString() {
      return name;
    }

    void check() {
      CompiledMesh mesh = compile(manifests.toArray(String[]::new));
      assertEquals(probe.expected(), outcome(decide(mesh, probe.who(), probe.facts())),
          () -> name + "\nfindings: " + mesh.findings());
    }
  }

  /** A scenario's probes as rows named {@code "scenario: probe"}. */
  static List<Row> scenario(String name, String manifest, Probe... probes) {
    return scenario(name, List.of(manifest), probes);
  }

  static List<Row> scenario(String name, List<String> manifests, Probe... probes) {
    List<Row> rows = new ArrayList<>();
    for (Probe p : probes) {
      rows.add(new Row(name + ": " + describe(p), manifests, p));
    }
    return rows;
  }

  private static String describe(Probe p) {
    ProxyIdentity w = p.who();
    String who = w.role() == ProxyIdentity.Role.GATEWAY
        ? "gateway " + w.namespace() + " " + new java.util.TreeMap<>(w.labels())
        : "sidecar " + w.namespace() + "/" + w.pod();
    String where = w.role() == ProxyIdentity.Role.GATEWAY
        ? p.facts().destination() + ":" + p.facts().listenerPort()
        : new Upstream(p.facts().destination(), p.facts().destinationPort(), "", "").toString();
    return who + " -> " + where + " => " + p.expected();
  }
}
