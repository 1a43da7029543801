package io.vxmesh.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.common.Cidr;
import io.vxmesh.model.DestinationRule;
import io.vxmesh.model.Egress;
import io.vxmesh.model.EndpointSlice;
import io.vxmesh.model.Gateway;
import io.vxmesh.model.HttpRouteGroup;
import io.vxmesh.model.IdentityRef;
import io.vxmesh.model.Kind;
import io.vxmesh.model.MeshConfig;
import io.vxmesh.model.Origin;
import io.vxmesh.model.Pod;
import io.vxmesh.model.PortRef;
import io.vxmesh.model.Resource;
import io.vxmesh.model.ResourceKey;
import io.vxmesh.model.Service;
import io.vxmesh.model.SmiTcpRoute;
import io.vxmesh.model.TrafficTarget;
import io.vxmesh.model.VirtualService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ResourceParser}: every kind it reads, documents and lists, versions, and malformed input. */
class ResourceParserTest {

  /** A minimal valid manifest of every kind (without its apiVersion line), named {@code sample}. */
  static final Map<Kind, String> SAMPLES = new EnumMap<>(Map.ofEntries(
      Map.entry(Kind.SERVICE, "kind: Service\nmetadata: {name: sample}\nspec: {ports: [{port: 80}]}"),
      Map.entry(Kind.ENDPOINT_SLICE, "kind: EndpointSlice\nmetadata: {name: sample, labels: {kubernetes.io/service-name: web}}"),
      Map.entry(Kind.POD, "kind: Pod\nmetadata: {name: sample}"),
      Map.entry(Kind.GATEWAY, "kind: Gateway\nmetadata: {name: sample}\nspec: {servers: []}"),
      Map.entry(Kind.VIRTUAL_SERVICE, "kind: VirtualService\nmetadata: {name: sample}\nspec: {hosts: [web]}"),
      Map.entry(Kind.DESTINATION_RULE, "kind: DestinationRule\nmetadata: {name: sample}\nspec: {host: web}"),
      Map.entry(Kind.TRAFFIC_TARGET, "kind: TrafficTarget\nmetadata: {name: sample}\n"
          + "spec: {destination: {kind: ServiceAccount, name: web}}"),
      Map.entry(Kind.TCP_ROUTE, "kind: TCPRoute\nmetadata: {name: sample}\nspec: {}"),
      Map.entry(Kind.HTTP_ROUTE_GROUP, "kind: HTTPRouteGroup\nmetadata: {name: sample}\nspec: {}"),
      Map.entry(Kind.EGRESS, "kind: Egress\nmetadata: {name: sample}\n"
          + "spec: {sources: [{kind: ServiceAccount, name: client}], ports: [{number: 443, protocol: tcp}]}"),
      Map.entry(Kind.MESH_CONFIG, "kind: MeshConfig\nmetadata: {name: sample}\nspec: {}")));

  static String sample(Kind kind, String apiVersion) {
    String s = SAMPLES.get(kind);
    assertNotNull(s, () -> "ResourceParserTest has no sample of " + kind + ": add one to SAMPLES");
    return "apiVersion: " + apiVersion + "\n" + s + "\n";
  }

  static String api(Kind kind, String version) {
    return kind.group().isEmpty() ? version : kind.group() + "/" + version;
  }

  static ResourceParser.Result parse(String text) {
    return ResourceParser.parse("test.yaml", text);
  }

  /** Parses a manifest that must be admitted, and returns its single resource. */
  static <T extends Resource> T one(Class<T> type, String text) {
    ResourceParser.Result r = parse(text);
    assertEquals(List.of(), r.findings());
    assertEquals(1, r.resources().size(), r.resources().toString());
    return assertInstanceOf(type, r.resources().get(0));
  }

  // ---------------------------------------------------------------- kinds and versions

  static Stream<Arguments> acceptedVersions() {
    List<Arguments> out = new ArrayList<>();
    for (Kind k : Kind.values()) {
      for (String v : k.versions()) {
        out.add(Arguments.of(k, api(k, v)));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{1} {0}")
  @MethodSource
  void acceptedVersions(Kind kind, String apiVersion) {
    ResourceParser.Result r = parse(sample(kind, apiVersion));
    assertEquals(List.of(), r.findings());
    assertEquals(1, r.resources().size());
    Resource res = r.resources().get(0);
    assertEquals(kind, res.kind());
    assertEquals(new ResourceKey(kind, "default", "sample"), res.key(), "no namespace is namespace default");
    assertEquals(Origin.file("test.yaml", 1), res.origin());
    assertTrue(r.parsed());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void otherVersionsOfAKnownKindAreReportedAndIgnored(Kind kind) {
    String apiVersion = api(kind, "v9beta9");
    ResourceParser.Result r = parse(sample(kind, apiVersion));
    assertEquals(List.of(), r.resources());
    assertEquals(1, r.findings().size());
    Finding f = r.findings().get(0);
    assertEquals(Finding.Severity.WARNING, f.severity());
    assertEquals(Finding.Code.UNSUPPORTED_VERSION, f.code());
    assertEquals(kind.kindName() + " default/sample", f.resource());
    String accepted = String.join(", ", kind.versions().stream().map(v -> api(kind, v)).toList());
    assertEquals("apiVersion " + apiVersion + " is not read by vxmesh (it reads " + accepted + "); the resource is ignored",
        f.message());
  }

  @Test
  void theKindsOfOtherApisAreIgnoredWithoutAWord() {
    ResourceParser.Result r = parse("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: echo-server}
        spec: {replicas: 1}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: echo-server}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {a: b}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: not-istio}
        spec: {gatewayClassName: x}
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: external}
        """);
    assertEquals(List.of(), r.resources());
    assertEquals(List.of(), r.findings());
    assertEquals(5, r.ignored());
  }

  // ---------------------------------------------------------------- documents, lists, JSON

  @Test
  void multiDocumentYamlNumbersTheDocuments() {
    String svc = "apiVersion: v1\nkind: Service\nmetadata: {name: %s}\nspec: {ports: [{port: 80}]}\n";
    ResourceParser.Result r = parse("---\n" + svc.formatted("a") + "---\n---\n" + svc.formatted("b")
        + "---\n# only a comment\n---\n" + svc.formatted("Bad_Name") + "---\n" + svc.formatted("c") + "---\n");
    assertEquals(List.of("a test.yaml", "b test.yaml (document 3)", "c test.yaml (document 6)"),
        r.resources().stream().map(x -> x.meta().name() + " " + x.origin()).toList());
    assertEquals(1, r.findings().size());
    assertEquals("test.yaml (document 5)", r.findings().get(0).source(), "the finding names the document");
  }

  @Test
  void aListIsReadItemByItem() {
    ResourceParser.Result r = parse("""
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {ports: [{port: 80}]}
          - apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
          - apiVersion: v1
            kind: ServiceList
            items:
              - apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: web, namespace: shop}
                spec: {hosts: [web]}
        """);
    assertEquals(List.of(), r.findings());
    assertEquals(List.of("Service shop/web", "VirtualService shop/web"),
        r.resources().stream().map(Resource::describe).toList());
    assertEquals(1, r.ignored());
    assertTrue(r.resources().stream().allMatch(x -> x.origin().equals(Origin.file("test.yaml", 1))));
  }

  @Test
  void jsonFilesAreJson() {
    ResourceParser.Result one = ResourceParser.parse("svc.json", """
        // kubectl get -o json, with a comment
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
         "spec": {"clusterIP": "10.96.0.80", "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}}
        """);
    assertEquals(List.of(), one.findings());
    Service s = assertInstanceOf(Service.class, one.resources().get(0));
    assertEquals(List.of("10.96.0.80"), s.clusterIPs());
    assertEquals(PortRef.of(8080), s.ports().get(0).targetPort());

    ResourceParser.Result list = ResourceParser.parse("all.json", """
        {"apiVersion": "v1", "kind": "List", "items": [
          {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}, "status": {"podIP": "10.0.0.1"}},
          {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b"}, "status": {"podIP": "10.0.0.2"}}]}
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "c"}}
        """);
    assertEquals(List.of(), list.findings());
    assertEquals(List.of("a all.json", "b all.json", "c all.json (document 2)"),
        list.resources().stream().map(x -> x.meta().name() + " " + x.origin()).toList());

    ResourceParser.Result broken = ResourceParser.parse("broken.json", "{\"apiVersion\": \"v1\", ");
    assertFalse(broken.parsed());
    assertEquals(Finding.Code.PARSE_ERROR, broken.findings().get(0).code());
    assertTrue(broken.findings().get(0).message().startsWith("not valid JSON (line 1"), broken.findings().get(0).message());
  }

  @Test
  void unparseableYamlIsOneParseErrorAndNothingElse() {
    ResourceParser.Result r = parse("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\nkind: [unclosed\n");
    assertFalse(r.parsed(), "the caller keeps the last good version of the file");
    assertEquals(List.of(), r.resources(), "not even the good first document");
    assertEquals(1, r.findings().size());
    Finding f = r.findings().get(0);
    assertEquals(Finding.Code.PARSE_ERROR, f.code());
    assertEquals("test.yaml", f.source());
    assertTrue(f.message().matches("not valid YAML \\(line \\d+, column \\d+\\): .*"), f.message());
    assertFalse(f.message().contains("\n"), "a finding is one line: " + f.message());
  }

  // ---------------------------------------------------------------- malformed resources

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("not an object", "just some text", null, "expected an object, got \"just some text\""),
        Arguments.of("no apiVersion and kind", "metadata: {name: x}", null, "not a Kubernetes object (no apiVersion and kind)"),
        Arguments.of("no kind", "apiVersion: v1\nmetadata: {name: x}", null, "kind: is required"),
        Arguments.of("no name", "apiVersion: v1\nkind: Service\nmetadata: {namespace: shop}\nspec: {ports: [{port: 80}]}",
            "Service shop/<no name>", "metadata.name: is required"),
        Arguments.of("a name Kubernetes would refuse", "apiVersion: v1\nkind: Pod\nmetadata: {name: Echo_Server}",
            "Pod default/Echo_Server", "metadata.name: \"Echo_Server\" is not a valid name"),
        Arguments.of("labels that are not a map", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: [a, b]}",
            "Pod default/p", "metadata.labels: expected a map of strings, got a list"),
        Arguments.of("a service port out of range", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 70000}]}",
            "Service default/s", "spec.ports[0].port: port 70000 is outside 1-65535"),
        Arguments.of("a service port without number", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{name: tcp}]}",
            "Service default/s", "spec.ports[0].port: is required"),
        Arguments.of("unnamed ports of a multi-port service",
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}, {port: 81}]}",
            "Service default/s", "spec.ports: every port must have a name when a Service has several"),
        Arguments.of("a port name used twice",
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{name: a, port: 80}, {name: a, port: 81}]}",
            "Service default/s", "spec.ports[1].name: port name \"a\" is used twice"),
        Arguments.of("a cluster IP that is not an address",
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {clusterIP: ten, ports: [{port: 80}]}",
            "Service default/s", "spec.clusterIP: \"ten\" is not an IP address"),
        Arguments.of("an EndpointSlice without its service label", "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: e}",
            "EndpointSlice default/e", "metadata.labels: label kubernetes.io/service-name is required"),
        Arguments.of("an endpoint address that is not an address", "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
                + "metadata: {name: e, labels: {kubernetes.io/service-name: s}}\nendpoints: [{addresses: [web-1]}]",
            "EndpointSlice default/e", "endpoints[0].addresses: \"web-1\" is not an IP address"),
        Arguments.of("a pod IP that is not an address", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nstatus: {podIP: 10.0.0.300}",
            "Pod default/p", "status.podIP: \"10.0.0.300\" is not an IP address"),
        Arguments.of("a Gateway server without port", "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\n"
                + "spec: {servers: [{hosts: ['*']}]}",
            "Gateway default/g", "spec.servers[0].port: is required"),
        Arguments.of("a Gateway server without protocol", "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\n"
                + "spec: {servers: [{hosts: ['*'], port: {number: 19000}}]}",
            "Gateway default/g", "spec.servers[0].port.protocol: is required"),
        Arguments.of("a Gateway server without hosts", "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\n"
                + "spec: {servers: [{port: {number: 19000, protocol: TCP}}]}",
            "Gateway default/g", "spec.servers[0].hosts: at least one host is required"),
        Arguments.of("a VirtualService without hosts or gateways", "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
                + "metadata: {name: v}\nspec: {tcp: []}",
            "VirtualService default/v", "spec.hosts: at least one host is required"),
        Arguments.of("a match port that is not a number", vsWith("- match: [{port: abc}]\n  route: [{destination: {host: web}}]"),
            "VirtualService default/v", "spec.tcp[0].match[0].port: expected an integer, got \"abc\""),
        Arguments.of("a negative match port", vsWith("- match: [{port: -1}]\n  route: [{destination: {host: web}}]"),
            "VirtualService default/v", "spec.tcp[0].match[0].port: port -1 is outside 0-65535"),
        Arguments.of("a subnet that is not one", vsWith("- match: [{destinationSubnets: [10.0.0.0/8, 300.1.1.1/8]}]\n"
                + "  route: [{destination: {host: web}}]"),
            "VirtualService default/v", "spec.tcp[0].match[0].destinationSubnets[1]: '300.1.1.1/8' is not a CIDR block or IP address"),
        Arguments.of("a prefix too long", vsWith("- match: [{destinationSubnets: ['fd00::/129']}]\n  route: [{destination: {host: web}}]"),
            "VirtualService default/v", "spec.tcp[0].match[0].destinationSubnets[0]: 'fd00::/129' has prefix length 129, outside 0-128"),
        Arguments.of("sourceLabels that are not a map", vsWith("- match: [{sourceLabels: [app]}]\n  route: [{destination: {host: web}}]"),
            "VirtualService default/v", "spec.tcp[0].match[0].sourceLabels: expected a map of strings, got a list"),
        Arguments.of("a rule without route", vsWith("- match: [{port: 80}]"),
            "VirtualService default/v", "spec.tcp[0].route: at least one destination is required"),
        Arguments.of("a destination without host", vsWith("- route: [{destination: {subset: a}}]"),
            "VirtualService default/v", "spec.tcp[0].route[0].destination.host: is required"),
        Arguments.of("a route entry without destination", vsWith("- route: [{weight: 100}]"),
            "VirtualService default/v", "spec.tcp[0].route[0].destination: is required"),
        Arguments.of("a weight that is not a number", vsWith("- route: [{destination: {host: a}, weight: lots}, {destination: {host: b}}]"),
            "VirtualService default/v", "spec.tcp[0].route[0].weight: expected an integer, got \"lots\""),
        Arguments.of("a tls match without sniHosts", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\n"
                + "spec: {hosts: [web], tls: [{match: [{port: 443}], route: [{destination: {host: web}}]}]}",
            "VirtualService default/v", "spec.tls[0].match[0].sniHosts: is required in a tls match"),
        Arguments.of("a DestinationRule without host", "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d}\nspec: {}",
            "DestinationRule default/d", "spec.host: is required"),
        Arguments.of("a subset defined twice", "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d}\n"
                + "spec: {host: web, subsets: [{name: prod}, {name: prod}]}",
            "DestinationRule default/d", "spec.subsets[1].name: subset \"prod\" is defined twice"),
        Arguments.of("a connect timeout that is not a duration", "apiVersion: networking.istio.io/v1\nkind: DestinationRule\n"
                + "metadata: {name: d}\nspec: {host: web, trafficPolicy: {connectionPool: {tcp: {connectTimeout: soon}}}}",
            "DestinationRule default/d", "spec.trafficPolicy.connectionPool.tcp.connectTimeout: 'soon' is not a duration"),
        Arguments.of("maxConnections of 0", "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d}\n"
                + "spec: {host: web, subsets: [{name: a, trafficPolicy: {connectionPool: {tcp: {maxConnections: 0}}}}]}",
            "DestinationRule default/d", "spec.subsets[0].trafficPolicy.connectionPool.tcp.maxConnections: must be at least 1"),
        Arguments.of("a TrafficTarget source that is not a ServiceAccount", "apiVersion: access.smi-spec.io/v1alpha3\n"
                + "kind: TrafficTarget\nmetadata: {name: t}\nspec: {destination: {kind: ServiceAccount, name: web},"
                + " sources: [{kind: Group, name: admins}]}",
            "TrafficTarget default/t", "spec.sources[0].kind: only ServiceAccount identities are supported, got Group"),
        Arguments.of("a TrafficTarget without destination", "apiVersion: access.smi-spec.io/v1alpha3\nkind: TrafficTarget\n"
                + "metadata: {name: t}\nspec: {sources: []}",
            "TrafficTarget default/t", "spec.destination: is required"),
        Arguments.of("a TCPRoute port out of range", "apiVersion: specs.smi-spec.io/v1alpha4\nkind: TCPRoute\nmetadata: {name: r}\n"
                + "spec: {matches: {ports: [0]}}",
            "TCPRoute default/r", "spec.matches.ports[0]: port 0 is outside 1-65535"),
        Arguments.of("a path regex that does not compile", "apiVersion: specs.smi-spec.io/v1alpha4\nkind: HTTPRouteGroup\n"
                + "metadata: {name: g}\nspec: {matches: [{name: m, pathRegex: '/status(['}]}",
            "HTTPRouteGroup default/g", "spec.matches[0].pathRegex: \"/status([\" is not a valid regular expression"),
        Arguments.of("an Egress port protocol OSM does not know", "apiVersion: policy.openservicemesh.io/v1alpha1\nkind: Egress\n"
                + "metadata: {name: e}\nspec: {sources: [{kind: ServiceAccount, name: c}], ports: [{number: 25, protocol: smtp}]}",
            "Egress default/e", "spec.ports[0].protocol: \"smtp\" is not one of http, https, tcp, tcp-server-first"),
        Arguments.of("an http Egress without hosts", "apiVersion: policy.openservicemesh.io/v1alpha1\nkind: Egress\n"
                + "metadata: {name: e}\nspec: {sources: [{kind: ServiceAccount, name: c}], ports: [{number: 80, protocol: http}]}",
            "Egress default/e", "spec.hosts: hosts are required for http and https ports"),
        Arguments.of("a MeshConfig switch that is not a boolean", "apiVersion: config.openservicemesh.io/v1alpha2\nkind: MeshConfig\n"
                + "metadata: {name: osm-mesh-config}\nspec: {traffic: {enableEgress: sometimes}}",
            "MeshConfig default/osm-mesh-config", "spec.traffic.enableEgress: expected true or false, got \"sometimes\""));
  }

  static String vsWith(String tcp) {
    return "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\nspec:\n  hosts: [web]\n  tcp:\n"
        + tcp.indent(4);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void malformed(String name, String manifest, String resource, String message) {
    String good = "apiVersion: v1\nkind: Pod\nmetadata: {name: good}\n";
    ResourceParser.Result r = parse(good + "---\n" + manifest);
    assertEquals(List.of("Pod default/good"), r.resources().stream().map(Resource::describe).toList(),
        "the other documents of the file are still read");
    assertTrue(r.parsed());
    assertEquals(1, r.findings().size(), r.findings().toString());
    Finding f = r.findings().get(0);
    assertEquals(Finding.Severity.ERROR, f.severity());
    assertEquals(Finding.Code.INVALID_RESOURCE, f.code());
    assertEquals("test.yaml (document 2)", f.source());
    assertEquals(resource, f.resource());
    assertTrue(f.message().startsWith(message), () -> "expected a message starting with\n  " + message + "\ngot\n  " + f.message());
    if (resource != null && !resource.contains("<no name>")) {
      assertTrue(f.message().endsWith("; the resource is rejected"), f.message());
      String[] kindAndName = resource.split("[ /]");
      assertEquals(List.of(new ResourceKey(Kind.lookup(kindGroup(kindAndName[0]), kindAndName[0]), kindAndName[1], kindAndName[2])),
          r.rejected(), "a refused resource is named, so that its previous version can stay in force");
    }
  }

  private static String kindGroup(String kindName) {
    for (Kind k : Kind.values()) {
      if (k.kindName().equals(kindName)) {
        return k.group();
      }
    }
    throw new AssertionError(kindName);
  }

  // ---------------------------------------------------------------- the fields of each kind

  @Test
  void service() {
    Service s = one(Service.class, """
        apiVersion: v1
        kind: Service
        metadata: {name: echo-server, namespace: shop, labels: {app: echo}, creationTimestamp: "2024-01-01T00:00:00Z"}
        spec:
          selector: {app: echo}
          clusterIP: 10.96.0.10
          clusterIPs: [10.96.0.10, "fd00::10"]
          ports:
            - {name: tcp, port: 19000, targetPort: 9000}
            - {name: grpc-api, port: 9090, targetPort: api, appProtocol: grpc}
            - {name: dns, port: 53, protocol: udp}
            - {name: plain, port: 80}
        """);
    assertEquals("shop", s.meta().namespace());
    assertEquals(Map.of("app", "echo"), s.meta().labels());
    assertEquals("2024-01-01T00:00:00Z", s.meta().creationTimestamp());
    assertEquals("ClusterIP", s.type());
    assertEquals(List.of("10.96.0.10", "fd00::10"), s.clusterIPs());
    assertFalse(s.headless());
    assertEquals(Map.of("app", "echo"), s.selector());
    assertEquals(List.of(
        new Service.Port("tcp", "TCP", 19000, PortRef.of(9000), null),
        new Service.Port("grpc-api", "TCP", 9090, PortRef.named("api"), "grpc"),
        new Service.Port("dns", "UDP", 53, PortRef.of(53), null),
        new Service.Port("plain", "TCP", 80, PortRef.of(80), null)), s.ports());

    Service headless = one(Service.class, "apiVersion: v1\nkind: Service\nmetadata: {name: h}\n"
        + "spec: {clusterIP: None, ports: [{port: 5432}]}");
    assertTrue(headless.headless());
    assertEquals(List.of(), headless.clusterIPs());
    assertNull(headless.selector(), "no selector: endpoints are managed by hand");
    assertFalse(headless.hasSelector());
  }

  @Test
  void endpointSlice() {
    EndpointSlice e = one(EndpointSlice.class, """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: echo-abc12, namespace: shop, labels: {kubernetes.io/service-name: echo-server}}
        addressType: IPv4
        ports: [{name: tcp, port: 9000}]
        endpoints:
          - addresses: [10.0.0.11]
            targetRef: {kind: Pod, name: echo-1}
          - addresses: [10.0.0.12]
            conditions: {ready: false}
            targetRef: {kind: Pod, name: echo-2, namespace: other}
        """);
    assertEquals("echo-server", e.serviceName());
    assertEquals("IPv4", e.addressType());
    assertEquals(List.of(new EndpointSlice.Port("tcp", 9000, "TCP", null)), e.ports());
    assertEquals(List.of(
        new EndpointSlice.Endpoint(List.of("10.0.0.11"), true, new EndpointSlice.TargetRef("Pod", "shop", "echo-1")),
        new EndpointSlice.Endpoint(List.of("10.0.0.12"), false, new EndpointSlice.TargetRef("Pod", "other", "echo-2"))),
        e.endpoints(), "no ready condition means ready; a targetRef without namespace is in the slice's");
  }

  @Test
  void pod() {
    Pod p = one(Pod.class, """
        apiVersion: v1
        kind: Pod
        metadata: {name: echo-1, labels: {app: echo, version: prod}}
        spec:
          serviceAccountName: echo
          containers:
            - name: server
              ports: [{name: api, containerPort: 9000}, {containerPort: 53, protocol: UDP}]
        status:
          phase: Running
          podIP: 10.0.0.11
          podIPs: [{ip: 10.0.0.11}, {ip: "fd00::11"}]
          conditions: [{type: Ready, status: "False"}]
        """);
    assertEquals("echo", p.serviceAccount());
    assertEquals(List.of("10.0.0.11", "fd00::11"), p.podIPs());
    assertEquals("10.0.0.11", p.podIP());
    assertFalse(p.ready(), "the Ready condition wins over the phase");
    assertFalse(p.hostNetwork());
    assertEquals(List.of(new Pod.ContainerPort("api", 9000, "TCP"), new Pod.ContainerPort(null, 53, "UDP")), p.containerPorts());

    String bare = "apiVersion: v1\nkind: Pod\nmetadata: {name: bare%s}\n%s";
    assertTrue(one(Pod.class, bare.formatted("", "status: {phase: Running}")).ready(), "Running without conditions is ready");
    assertTrue(one(Pod.class, bare.formatted("", "")).ready(), "a pod written without status is taken as ready");
    assertFalse(one(Pod.class, bare.formatted("", "status: {phase: Pending}")).ready());
    assertFalse(one(Pod.class, "apiVersion: v1\nkind: Pod\nmetadata: {name: gone, deletionTimestamp: \"2024-01-01T00:00:00Z\"}\n"
        + "status: {phase: Running}").ready(), "a terminating pod is not ready");
    assertEquals(Pod.DEFAULT_SERVICE_ACCOUNT, one(Pod.class, bare.formatted("", "")).serviceAccount());
    assertEquals("legacy", one(Pod.class, bare.formatted("", "spec: {serviceAccount: legacy}")).serviceAccount());
    assertTrue(one(Pod.class, bare.formatted("", "spec: {hostNetwork: true}")).hostNetwork());
    assertNull(one(Pod.class, bare.formatted("", "")).podIP(), "not scheduled yet");
  }

  @Test
  void gateway() {
    Gateway g = one(Gateway.class, """
        apiVersion: networking.istio.io/v1beta1
        kind: Gateway
        metadata: {name: ingressgateway-1, namespace: istio-system}
        spec:
          selector: {istio: ingressgateway-1}
          servers:
            - {hosts: ['*'], port: {name: tcp, number: 19000, protocol: tcp}, bind: 127.0.0.1, name: main}
            - {hosts: [shop/web.example.com], port: {number: 8443, protocol: TLS}}
        """);
    assertEquals(Map.of("istio", "ingressgateway-1"), g.selector());
    assertEquals(List.of(
        new Gateway.Server(new Gateway.Port(19000, "TCP", "tcp"), List.of("*"), "127.0.0.1", "main"),
        new Gateway.Server(new Gateway.Port(8443, "TLS", null), List.of("shop/web.example.com"), null, null)), g.servers());
  }

  @Test
  void virtualService() {
    VirtualService v = one(VirtualService.class, """
        apiVersion: networking.istio.io/v1alpha3
        kind: VirtualService
        metadata: {name: echo}
        spec:
          hosts: [echo-server]
          gateways: [mesh, istio-system/ingressgateway-1]
          http: [{route: [{destination: {host: a}}]}, {route: [{destination: {host: b}}]}]
          tcp:
            - match:
                - port: 19000
                  destinationSubnets: [192.168.0.0/16, "fd00::1"]
                  sourceLabels: {app: telnet-client}
                  sourceNamespace: foo
                  gateways: [mesh]
                - {}
              route:
                - {destination: {host: echo-server, subset: gray, port: {number: 19000}}, weight: 20}
                - {destination: {host: echo-server-2}, weight: 80}
            - route: [{destination: {host: echo-server}}]
          tls:
            - match: [{port: 443, sniHosts: [echo.example.com]}]
              route: [{destination: {host: echo-server}}]
        """);
    assertEquals(List.of("echo-server"), v.hosts());
    assertEquals(List.of("mesh", "istio-system/ingressgateway-1"), v.effectiveGateways());
    assertEquals(2, v.httpRouteCount());
    assertEquals(2, v.tcp().size());
    VirtualService.L4Route r0 = v.tcp().get(0);
    assertEquals(new VirtualService.L4Match(19000, List.of(Cidr.parse("192.168.0.0/16"), Cidr.parse("fd00::1/128")),
        Map.of("app", "telnet-client"), "foo", List.of("mesh"), List.of()), r0.match().get(0));
    assertTrue(r0.match().get(1).isEmpty());
    assertEquals(List.of(
        new VirtualService.RouteDestination(new VirtualService.Destination("echo-server", "gray", 19000), 20),
        new VirtualService.RouteDestination(new VirtualService.Destination("echo-server-2", "", 0), 80)), r0.route());
    assertEquals(List.of(), v.tcp().get(1).match(), "no match: a catch-all");
    assertNull(v.tcp().get(1).route().get(0).weight(), "an absent weight stays absent");
    assertEquals(List.of("echo.example.com"), v.tls().get(0).match().get(0).sniHosts());

    VirtualService defaults = one(VirtualService.class, "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
        + "metadata: {name: d}\nspec: {hosts: [web]}");
    assertEquals(List.of(VirtualService.MESH), defaults.effectiveGateways(), "no gateways: mesh");
    assertEquals(0, defaults.httpRouteCount());
  }

  @Test
  void destinationRule() {
    DestinationRule d = one(DestinationRule.class, """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: echo}
        spec:
          host: echo-server
          trafficPolicy: {connectionPool: {tcp: {connectTimeout: 1.5s, maxConnections: 100, idleTimeout: 1h30m}}}
          subsets:
            - {name: prod, labels: {version: prod}}
            - name: gray
              labels: {version: gray}
              trafficPolicy: {connectionPool: {tcp: {connectTimeout: 250ms}}}
        """);
    assertEquals("echo-server", d.host());
    assertEquals(new DestinationRule.TrafficPolicy(Duration.ofMillis(1500), 100, Duration.ofMinutes(90)), d.trafficPolicy());
    assertEquals(List.of(
        new DestinationRule.Subset("prod", Map.of("version", "prod"), DestinationRule.TrafficPolicy.NONE),
        new DestinationRule.Subset("gray", Map.of("version", "gray"),
            new DestinationRule.TrafficPolicy(Duration.ofMillis(250), null, null))), d.subsets());
  }

  @Test
  void trafficTargetAndTcpRoute() {
    TrafficTarget t = one(TrafficTarget.class, """
        apiVersion: access.smi-spec.io/v1alpha3
        kind: TrafficTarget
        metadata: {name: client-to-echo, namespace: tcp-demo}
        spec:
          destination: {kind: ServiceAccount, name: tcp-echo}
          sources: [{kind: ServiceAccount, name: curl, namespace: curl}, {name: local}]
          rules: [{kind: TCPRoute, name: tcp-route}, {kind: HTTPRouteGroup, name: routes, matches: [status]}]
        """);
    assertEquals(new IdentityRef("ServiceAccount", "tcp-echo", "tcp-demo"), t.destination());
    assertEquals(List.of(new IdentityRef("ServiceAccount", "curl", "curl"), new IdentityRef("ServiceAccount", "local", "tcp-demo")),
        t.sources(), "a source without namespace (or kind) is a ServiceAccount of the TrafficTarget's namespace");
    assertEquals(List.of(new TrafficTarget.RuleRef("TCPRoute", "tcp-route", List.of()),
        new TrafficTarget.RuleRef("HTTPRouteGroup", "routes", List.of("status"))), t.rules());

    assertEquals(List.of(9000, 9001), one(SmiTcpRoute.class, "apiVersion: specs.smi-spec.io/v1alpha4\nkind: TCPRoute\n"
        + "metadata: {name: r}\nspec: {matches: {ports: [9000, 9001]}}").ports());
    assertEquals(List.of(), one(SmiTcpRoute.class, "apiVersion: specs.smi-spec.io/v1alpha4\nkind: TCPRoute\n"
        + "metadata: {name: r}\nspec: {matches: {}}").ports(), "no ports: every port");
  }

  @Test
  void httpRouteGroup() {
    HttpRouteGroup g = one(HttpRouteGroup.class, """
        apiVersion: specs.smi-spec.io/v1alpha4
        kind: HTTPRouteGroup
        metadata: {name: routes}
        spec:
          matches:
            - {name: status, pathRegex: "/status.*", methods: [get, "*"], headers: {x-debug: "1"}}
            - {name: old-style, headers: [{host: httpbin.org}, {accept: json}]}
            - {name: all}
        """);
    assertEquals(List.of(
        new HttpRouteGroup.HttpMatch("status", "/status.*", List.of("GET", "*"), Map.of("x-debug", "1")),
        new HttpRouteGroup.HttpMatch("old-style", "", List.of(), Map.of("host", "httpbin.org", "accept", "json")),
        new HttpRouteGroup.HttpMatch("all", "", List.of(), Map.of())), g.matches());
  }

  @Test
  void egressAndMeshConfig() {
    Egress e = one(Egress.class, """
        apiVersion: policy.openservicemesh.io/v1alpha1
        kind: Egress
        metadata: {name: httpbin, namespace: curl}
        spec:
          sources: [{kind: ServiceAccount, name: curl, namespace: curl}]
          hosts: [httpbin.org]
          ipAddresses: [10.0.0.0/8]
          ports: [{number: 80, protocol: HTTP}, {number: 3306, protocol: tcp-server-first}]
          matches: [{apiGroup: specs.smi-spec.io/v1alpha4, kind: HTTPRouteGroup, name: httpbin-status}]
        """);
    assertEquals(List.of(new IdentityRef("ServiceAccount", "curl", "curl")), e.sources());
    assertEquals(List.of("httpbin.org"), e.hosts());
    assertEquals(List.of(Cidr.parse("10.0.0.0/8")), e.ipAddresses());
    assertEquals(List.of(new Egress.Port(80, "http"), new Egress.Port(3306, "tcp-server-first")), e.ports());
    assertEquals(List.of(new Egress.MatchRef("specs.smi-spec.io/v1alpha4", "HTTPRouteGroup", "httpbin-status")), e.matches());

    MeshConfig m = one(MeshConfig.class, """
        apiVersion: config.openservicemesh.io/v1alpha2
        kind: MeshConfig
        metadata: {name: osm-mesh-config, namespace: osm-system}
        spec:
          traffic: {enablePermissiveTrafficPolicyMode: false, enableEgress: "true"}
        """);
    assertEquals(Boolean.FALSE, m.enablePermissiveTrafficPolicyMode());
    assertEquals(Boolean.TRUE, m.enableEgress());
    assertNull(m.enableEgressPolicy(), "not written: the mesh default applies");
  }
}
