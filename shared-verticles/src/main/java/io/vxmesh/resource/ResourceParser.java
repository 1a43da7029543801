package io.vxmesh.resource;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vxmesh.common.Cidr;
import io.vxmesh.common.Durations;
import io.vxmesh.model.DestinationRule;
import io.vxmesh.model.Egress;
import io.vxmesh.model.EndpointSlice;
import io.vxmesh.model.Gateway;
import io.vxmesh.model.HttpRouteGroup;
import io.vxmesh.model.IdentityRef;
import io.vxmesh.model.Kind;
import io.vxmesh.model.MeshConfig;
import io.vxmesh.model.ObjectMeta;
import io.vxmesh.model.Origin;
import io.vxmesh.model.Pod;
import io.vxmesh.model.PortRef;
import io.vxmesh.model.Resource;
import io.vxmesh.model.Service;
import io.vxmesh.model.SmiTcpRoute;
import io.vxmesh.model.TrafficTarget;
import io.vxmesh.model.VirtualService;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns Kubernetes manifests (YAML, multi-document, or JSON; {@code kind: List} included) into typed
 * resources. Pure: text in, records and findings out.
 *
 * <p>Three outcomes per document: a resource of a kind vxmesh reads becomes a record; a kind
 * vxmesh does not read is ignored; a resource whose fields are wrong is rejected with an
 * {@link Finding.Code#INVALID_RESOURCE} error naming the file, the resource and the field. A file
 * that is not YAML/JSON at all gives one {@link Finding.Code#PARSE_ERROR} and nothing else, so
 * that the caller can keep what it had from that file.
 */
public final class ResourceParser {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.ALLOW_COMMENTS);

  /** What one file gave. {@code rejected} holds keys of resources refused by admission (when known). */
  public record Result(
      List<Resource> resources,
      List<Finding> findings,
      List<io.vxmesh.model.ResourceKey> rejected,
      int ignored,
      boolean parsed) {

    public Result {
      resources = List.copyOf(resources);
      findings = List.copyOf(findings);
      rejected = List.copyOf(rejected);
    }
  }

  private ResourceParser() {}

  /** Parses the text of one file; {@code source} names it in findings and origins. */
  public static Result parse(String source, String text) {
    List<JsonNode> documents = new ArrayList<>();
    try {
      boolean json = source.endsWith(".json");
      ObjectMapper mapper = json ? JSON : YAML;
      try (MappingIterator<JsonNode> it = mapper.readerFor(JsonNode.class).readValues(text)) {
        while (it.hasNextValue()) {
          documents.add(it.nextValue());
        }
      }
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      return new Result(List.of(), List.of(Finding.error(Finding.Code.PARSE_ERROR, source, null,
          "not valid " + (source.endsWith(".json") ? "JSON" : "YAML") + where + ": "
              + problem(e))), List.of(), 0, false);
    } catch (IOException | RuntimeException e) {
      return new Result(List.of(), List.of(Finding.error(Finding.Code.PARSE_ERROR, source, null,
          "cannot be read: " + e.getMessage())), List.of(), 0, false);
    }
    Collector out = new Collector(source);
    for (int i = 0; i < documents.size(); i++) {
      JsonNode doc = documents.get(i);
      if (doc == null || doc.isNull() || doc.isMissingNode() || (doc.isObject() && doc.isEmpty())) {
        continue;
      }
      out.document(new Node(doc, ""), Origin.file(source, i + 1));
    }
    return new Result(out.resources, out.findings, out.rejected, out.ignored, true);
  }

  /**
   * The parser's complaint on one line (a finding is one line): SnakeYAML's context and problem
   * without the source excerpt and caret it appends, else the message with its lines joined.
   */
  private static String problem(JsonProcessingException e) {
    if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblem() != null) {
      String context = m.getContext() == null ? "" : m.getContext()
          + (m.getContextMark() == null ? "" : " at line " + (m.getContextMark().getLine() + 1)
              + ", column " + (m.getContextMark().getColumn() + 1)) + ": ";
      return context + m.getProblem();
    }
    String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
    return String.join(" ", message.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
  }

  /** Parses one object that is already a tree (the Kubernetes source uses this). */
  public static Result parseObject(JsonNode object, Origin origin) {
    Collector out = new Collector(origin.source());
    out.document(new Node(object, ""), origin);
    return new Result(out.resources, out.findings, out.rejected, out.ignored, true);
  }

  private static final class Collector {
    final String source;
    final List<Resource> resources = new ArrayList<>();
    final List<Finding> findings = new ArrayList<>();
    final List<io.vxmesh.model.ResourceKey> rejected = new ArrayList<>();
    int ignored;

    Collector(String source) {
      this.source = source;
    }

    void document(Node doc, Origin origin) {
      String apiVersion;
      String kindName;
      try {
        if (!doc.isMissing() && doc.get("kind").isMissing() && doc.get("apiVersion").isMissing()) {
          throw doc.fail("not a Kubernetes object (no apiVersion and kind)");
        }
        apiVersion = doc.requiredText("apiVersion");
        kindName = doc.requiredText("kind");
      } catch (InvalidResourceException e) {
        findings.add(Finding.error(Finding.Code.INVALID_RESOURCE, origin.toString(), null, e.getMessage()));
        return;
      }
      if (kindName.equals("List") || kindName.endsWith("List") && apiVersion.equals("v1")) {
        try {
          for (Node item : doc.list("items")) {
            document(item, origin);
          }
        } catch (InvalidResourceException e) {
          findings.add(Finding.error(Finding.Code.INVALID_RESOURCE, origin.toString(), kindName, e.getMessage()));
        }
        return;
      }
      int slash = apiVersion.indexOf('/');
      String group = slash < 0 ? "" : apiVersion.substring(0, slash);
      String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
      Kind kind = Kind.lookup(group, kindName);
      if (kind == null) {
        ignored++;
        return;
      }
      String name = null;
      String namespace = ObjectMeta.DEFAULT_NAMESPACE;
      try {
        name = doc.get("metadata").text("name");
        String ns = doc.get("metadata").text("namespace");
        if (ns != null && !ns.isEmpty()) {
          namespace = ns;
        }
      } catch (InvalidResourceException ignoredHere) {
        // reported below by meta()
      }
      String label = kindName + " " + namespace + "/" + (name == null ? "<no name>" : name);
      if (!kind.versions().contains(version)) {
        findings.add(Finding.warning(Finding.Code.UNSUPPORTED_VERSION, origin.toString(), label,
            "apiVersion " + apiVersion + " is not read by vxmesh (it reads "
                + String.join(", ", kind.versions().stream().map(v -> group.isEmpty() ? v : group + "/" + v).toList())
                + "); the resource is ignored"));
        return;
      }
      try {
        ObjectMeta meta = meta(doc.get("metadata"));
        Resource r = switch (kind) {
          case SERVICE -> service(meta, origin, doc.get("spec"));
          case ENDPOINT_SLICE -> endpointSlice(meta, origin, doc);
          case POD -> pod(meta, origin, doc);
          case GATEWAY -> gateway(meta, origin, doc.get("spec"));
          case VIRTUAL_SERVICE -> virtualService(meta, origin, doc.get("spec"));
          case DESTINATION_RULE -> destinationRule(meta, origin, doc.get("spec"));
          case TRAFFIC_TARGET -> trafficTarget(meta, origin, doc.get("spec"));
          case TCP_ROUTE -> smiTcpRoute(meta, origin, doc.get("spec"));
          case HTTP_ROUTE_GROUP -> httpRouteGroup(meta, origin, doc.get("spec"));
          case EGRESS -> egress(meta, origin, doc.get("spec"));
          case MESH_CONFIG -> meshConfig(meta, origin, doc.get("spec"));
        };
        resources.add(r);
      } catch (InvalidResourceException | IllegalArgumentException e) {
        findings.add(Finding.error(Finding.Code.INVALID_RESOURCE, origin.toString(), label,
            e.getMessage() + "; the resource is rejected"));
        if (name != null && !name.isEmpty()) {
          rejected.add(new io.vxmesh.model.ResourceKey(kind, namespace, name));
        }
      }
    }
  }

  // ---------------------------------------------------------------- metadata

  private static final Pattern DNS_LABELISH = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

  static ObjectMeta meta(Node m) {
    String name = m.requiredText("name");
    if (name.length() > 253 || !DNS_LABELISH.matcher(name).matches()) {
      throw m.get("name").fail("\"" + name + "\" is not a valid name (lower-case letters, digits, '-' and '.')");
    }
    String ns = m.text("namespace");
    if (ns == null || ns.isEmpty()) {
      ns = ObjectMeta.DEFAULT_NAMESPACE;
    } else if (!DNS_LABELISH.matcher(ns).matches()) {
      throw m.get("namespace").fail("\"" + ns + "\" is not a valid namespace");
    }
    return new ObjectMeta(name, ns, m.textMap("labels"), m.textMap("annotations"), m.text("creationTimestamp"));
  }

  // ---------------------------------------------------------------- core

  static Service service(ObjectMeta meta, Origin origin, Node spec) {
    String type = spec.text("type");
    List<String> ips = new ArrayList<>();
    boolean headless = false;
    String clusterIP = spec.text("clusterIP");
    if ("None".equalsIgnoreCase(clusterIP)) {
      headless = true;
    } else if (clusterIP != null && !clusterIP.isEmpty()) {
      ips.add(clusterIP);
    }
    for (String ip : spec.textList("clusterIPs")) {
      if (!"None".equalsIgnoreCase(ip) && !ips.contains(ip)) {
        ips.add(ip);
      }
    }
    for (int i = 0; i < ips.size(); i++) {
      if (io.vxmesh.common.IpAddress.parseOrNull(ips.get(i)) == null) {
        throw spec.get("clusterIP").fail("\"" + ips.get(i) + "\" is not an IP address");
      }
    }
    List<Service.Port> ports = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Node p : spec.list("ports")) {
      String name = p.text("name");
      String protocol = p.text("protocol");
      protocol = protocol == null ? "TCP" : protocol.toUpperCase(Locale.ROOT);
      int port = p.get("port").port(0);
      if (port == 0) {
        throw p.get("port").fail("is required");
      }
      PortRef target = portRef(p.get("targetPort"), port);
      if (name != null && !name.isEmpty() && !names.add(name)) {
        throw p.get("name").fail("port name \"" + name + "\" is used twice");
      }
      ports.add(new Service.Port(name == null ? "" : name, protocol, port, target, p.text("appProtocol")));
    }
    if (ports.size() > 1 && ports.stream().anyMatch(p -> p.name().isEmpty())) {
      throw spec.get("ports").fail("every port must have a name when a Service has several");
    }
    Map<String, String> selector = spec.has("selector") ? spec.textMap("selector") : null;
    return new Service(meta, origin, type == null ? "ClusterIP" : type, ips, headless, selector, ports);
  }

  private static PortRef portRef(Node n, int defaultNumber) {
    if (n.isMissing()) {
      return PortRef.of(defaultNumber);
    }
    String t = n.text();
    if (t.chars().allMatch(Character::isDigit) && !t.isEmpty()) {
      return PortRef.of(n.port(defaultNumber));
    }
    return PortRef.named(t);
  }

  static EndpointSlice endpointSlice(ObjectMeta meta, Origin origin, Node doc) {
    String service = meta.labels().get(EndpointSlice.SERVICE_NAME_LABEL);
    if (service == null || service.isEmpty()) {
      throw doc.get("metadata").get("labels").fail("label " + EndpointSlice.SERVICE_NAME_LABEL
          + " is required: it names the Service the slice belongs to");
    }
    String addressType = doc.text("addressType");
    List<EndpointSlice.Port> ports = new ArrayList<>();
    for (Node p : doc.list("ports")) {
      String protocol = p.text("protocol");
      ports.add(new EndpointSlice.Port(p.text("name") == null ? "" : p.text("name"), p.get("port").port(0),
          protocol == null ? "TCP" : protocol.toUpperCase(Locale.ROOT), p.text("appProtocol")));
    }
    List<EndpointSlice.Endpoint> endpoints = new ArrayList<>();
    for (Node e : doc.list("endpoints")) {
      List<String> addresses = e.textList("addresses");
      for (int i = 0; i < addresses.size(); i++) {
        if (io.vxmesh.common.IpAddress.parseOrNull(addresses.get(i)) == null) {
          throw e.get("addresses").fail("\"" + addresses.get(i) + "\" is not an IP address");
        }
      }
      Boolean ready = e.get("conditions").get("ready").bool();
      EndpointSlice.TargetRef ref = null;
      Node t = e.get("targetRef");
      if (!t.isMissing()) {
        String ns = t.text("namespace");
        ref = new EndpointSlice.TargetRef(t.text("kind"), ns == null ? meta.namespace() : ns, t.text("name"));
      }
      endpoints.add(new EndpointSlice.Endpoint(addresses, ready == null || ready, ref));
    }
    return new EndpointSlice(meta, origin, service, addressType == null ? "IPv4" : addressType, ports, endpoints);
  }

  static Pod pod(ObjectMeta meta, Origin origin, Node doc) {
    Node spec = doc.get("spec");
    Node status = doc.get("status");
    String sa = spec.text("serviceAccountName");
    if (sa == null || sa.isEmpty()) {
      sa = spec.text("serviceAccount");
    }
    List<String> ips = new ArrayList<>();
    String podIP = status.text("podIP");
    if (podIP != null && !podIP.isEmpty()) {
      ips.add(podIP);
    }
    for (Node n : status.list("podIPs")) {
      String ip = n.text("ip");
      if (ip != null && !ips.contains(ip)) {
        ips.add(ip);
      }
    }
    for (String ip : ips) {
      if (io.vxmesh.common.IpAddress.parseOrNull(ip) == null) {
        throw status.get("podIP").fail("\"" + ip + "\" is not an IP address");
      }
    }
    String phase = status.text("phase");
    boolean ready;
    Boolean readyCondition = null;
    for (Node c : status.list("conditions")) {
      if ("Ready".equals(c.text("type"))) {
        readyCondition = "True".equalsIgnoreCase(c.text("status"));
      }
    }
    if (readyCondition != null) {
      ready = readyCondition;
    } else {
      ready = phase == null || phase.isEmpty() || phase.equals("Running");
    }
    if (doc.get("metadata").has("deletionTimestamp")) {
      ready = false;
    }
    List<Pod.ContainerPort> ports = new ArrayList<>();
    for (Node c : spec.list("containers")) {
      for (Node p : c.list("ports")) {
        String protocol = p.text("protocol");
        ports.add(new Pod.ContainerPort(p.text("name"), p.get("containerPort").port(0),
            protocol == null ? "TCP" : protocol.toUpperCase(Locale.ROOT)));
      }
    }
    Boolean hostNetwork = spec.get("hostNetwork").bool();
    return new Pod(meta, origin, sa == null || sa.isEmpty() ? Pod.DEFAULT_SERVICE_ACCOUNT : sa, ips,
        phase == null ? "" : phase, ready, hostNetwork != null && hostNetwork, ports);
  }

  // ---------------------------------------------------------------- Istio

  static Gateway gateway(ObjectMeta meta, Origin origin, Node spec) {
    List<Gateway.Server> servers = new ArrayList<>();
    for (Node s : spec.list("servers")) {
      Node p = s.get("port");
      if (p.isMissing()) {
        throw p.fail("is required");
      }
      int number = p.get("number").port(0);
      if (number == 0) {
        throw p.get("number").fail("is required");
      }
      String protocol = p.text("protocol");
      if (protocol == null || protocol.isEmpty()) {
        throw p.get("protocol").fail("is required (TCP, TLS, HTTP, HTTPS, ...)");
      }
      List<String> hosts = s.textList("hosts");
      if (hosts.isEmpty()) {
        throw s.get("hosts").fail("at least one host is required (use '*' for TCP)");
      }
      String tlsMode = s.get("tls").text("mode");
      servers.add(new Gateway.Server(new Gateway.Port(number, protocol.toUpperCase(Locale.ROOT), p.text("name")),
          hosts, s.text("bind"), s.text("name"), tlsMode == null ? "" : tlsMode.toUpperCase(Locale.ROOT)));
    }
    return new Gateway(meta, origin, spec.textMap("selector"), servers);
  }

  static VirtualService virtualService(ObjectMeta meta, Origin origin, Node spec) {
    List<String> hosts = spec.textList("hosts");
    List<String> gateways = spec.textList("gateways");
    List<VirtualService.L4Route> tcp = new ArrayList<>();
    for (Node r : spec.list("tcp")) {
      tcp.add(l4Route(r, false));
    }
    List<VirtualService.L4Route> tls = new ArrayList<>();
    for (Node r : spec.list("tls")) {
      tls.add(l4Route(r, true));
    }
    int http = spec.list("http").size();
    if (hosts.isEmpty() && gateways.isEmpty()) {
      throw spec.get("hosts").fail("at least one host is required");
    }
    return new VirtualService(meta, origin, hosts, gateways, tcp, tls, http);
  }

  private static VirtualService.L4Route l4Route(Node r, boolean tls) {
    List<VirtualService.L4Match> matches = new ArrayList<>();
    for (Node m : r.list("match")) {
      List<Cidr> subnets = new ArrayList<>();
      List<Node> subnetNodes = m.list("destinationSubnets");
      for (Node s : subnetNodes) {
        try {
          subnets.add(Cidr.parse(s.text()));
        } catch (IllegalArgumentException e) {
          throw s.fail(e.getMessage());
        }
      }
      List<String> sni = tls ? m.textList("sniHosts").stream().map(h -> h.toLowerCase(Locale.ROOT)).toList() : List.of();
      if (tls && sni.isEmpty()) {
        throw m.get("sniHosts").fail("is required in a tls match");
      }
      String sourceNamespace = m.text("sourceNamespace");
      // A match port of 0 means any port, exactly like an absent one (Istio's proto3 zero value).
      int matchPort = m.get("port").integer(0);
      if (matchPort < 0 || matchPort > 65535) {
        throw m.get("port").fail("port " + matchPort + " is outside 0-65535 (0 or absent: any port)");
      }
      matches.add(new VirtualService.L4Match(matchPort, subnets, m.textMap("sourceLabels"),
          sourceNamespace, m.textList("gateways"), sni));
    }
    if (tls && matches.isEmpty()) {
      throw r.get("match").fail("is required in a tls route (at least one match with sniHosts)");
    }
    List<VirtualService.RouteDestination> route = new ArrayList<>();
    for (Node d : r.list("route")) {
      Node dest = d.get("destination");
      if (dest.isMissing()) {
        throw dest.fail("is required");
      }
      String host = dest.requiredText("host");
      int port = dest.get("port").get("number").port(0);
      Integer weight = d.get("weight").optionalInteger();
      if (weight != null && weight < 0) {
        throw d.get("weight").fail("must not be negative");
      }
      route.add(new VirtualService.RouteDestination(
          new VirtualService.Destination(host, dest.text("subset"), port), weight));
    }
    if (route.isEmpty()) {
      throw r.get("route").fail("at least one destination is required");
    }
    if (route.size() > 1) {
      long sum = route.stream().mapToLong(d -> d.weight() == null ? 0 : d.weight()).sum();
      if (sum == 0) {
        throw r.get("route").fail("the weights of " + route.size() + " destinations sum to 0: no destination would get a connection");
      }
      if (sum > Integer.MAX_VALUE) {
        throw r.get("route").fail("the weights of " + route.size() + " destinations sum to " + sum
            + ", more than " + Integer.MAX_VALUE + ": write them smaller (only their ratio matters)");
      }
    }
    return new VirtualService.L4Route(matches, route);
  }

  static DestinationRule destinationRule(ObjectMeta meta, Origin origin, Node spec) {
    String host = spec.requiredText("host");
    List<DestinationRule.Subset> subsets = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Node s : spec.list("subsets")) {
      String name = s.requiredText("name");
      if (!names.add(name)) {
        throw s.get("name").fail("subset \"" + name + "\" is defined twice");
      }
      subsets.add(new DestinationRule.Subset(name, s.textMap("labels"), trafficPolicy(s.get("trafficPolicy"))));
    }
    return new DestinationRule(meta, origin, host, trafficPolicy(spec.get("trafficPolicy")), subsets);
  }

  private static DestinationRule.TrafficPolicy trafficPolicy(Node tp) {
    Node tcp = tp.get("connectionPool").get("tcp");
    if (tcp.isMissing()) {
      return DestinationRule.TrafficPolicy.NONE;
    }
    Integer max = tcp.get("maxConnections").optionalInteger();
    if (max != null && max < 1) {
      throw tcp.get("maxConnections").fail("must be at least 1");
    }
    return new DestinationRule.TrafficPolicy(duration(tcp.get("connectTimeout")), max,
        duration(tcp.get("idleTimeout")));
  }

  private static Duration duration(Node n) {
    String t = n.text();
    if (t == null) {
      return null;
    }
    try {
      Duration d = Durations.parse(t);
      if (d.isNegative()) {
        throw n.fail("must not be negative");
      }
      return d;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw n.fail(e.getMessage());
    }
  }

  // ---------------------------------------------------------------- SMI and OSM

  static TrafficTarget trafficTarget(ObjectMeta meta, Origin origin, Node spec) {
    IdentityRef destination = identity(spec.get("destination"), meta.namespace());
    List<IdentityRef> sources = new ArrayList<>();
    for (Node s : spec.list("sources")) {
      sources.add(identity(s, meta.namespace()));
    }
    List<TrafficTarget.RuleRef> rules = new ArrayList<>();
    for (Node r : spec.list("rules")) {
      rules.add(new TrafficTarget.RuleRef(r.requiredText("kind"), r.requiredText("name"), r.textList("matches")));
    }
    return new TrafficTarget(meta, origin, destination, sources, rules);
  }

  private static IdentityRef identity(Node n, String defaultNamespace) {
    if (n.isMissing()) {
      throw n.fail("is required");
    }
    String kind = n.text("kind");
    if (kind == null || kind.isEmpty()) {
      kind = "ServiceAccount";
    }
    if (!kind.equals("ServiceAccount")) {
      throw n.get("kind").fail("only ServiceAccount identities are supported, got " + kind);
    }
    String ns = n.text("namespace");
    return new IdentityRef(kind, n.requiredText("name"), ns == null || ns.isEmpty() ? defaultNamespace : ns);
  }

  static SmiTcpRoute smiTcpRoute(ObjectMeta meta, Origin origin, Node spec) {
    List<Integer> ports = new ArrayList<>();
    for (Node p : spec.get("matches").list("ports")) {
      ports.add(p.port(0));
    }
    return new SmiTcpRoute(meta, origin, ports);
  }

  static HttpRouteGroup httpRouteGroup(ObjectMeta meta, Origin origin, Node spec) {
    List<HttpRouteGroup.HttpMatch> matches = new ArrayList<>();
    for (Node m : spec.list("matches")) {
      String regex = m.text("pathRegex");
      if (regex != null) {
        try {
          Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          throw m.get("pathRegex").fail("\"" + regex + "\" is not a valid regular expression: " + e.getDescription());
        }
      }
      List<String> methods = new ArrayList<>();
      for (String method : m.textList("methods")) {
        methods.add(method.toUpperCase(Locale.ROOT));
      }
      matches.add(new HttpRouteGroup.HttpMatch(m.requiredText("name"), regex, methods, headers(m.get("headers"))));
    }
    return new HttpRouteGroup(meta, origin, matches);
  }

  /** SMI headers are a map (v1alpha4) or, in older manifests, a list of single-entry maps. */
  private static Map<String, String> headers(Node h) {
    if (!h.isList()) {
      return h.asTextMap();
    }
    java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
    for (Node entry : h.list()) {
      out.putAll(entry.asTextMap());
    }
    return out;
  }

  static Egress egress(ObjectMeta meta, Origin origin, Node spec) {
    List<IdentityRef> sources = new ArrayList<>();
    for (Node s : spec.list("sources")) {
      sources.add(identity(s, meta.namespace()));
    }
    if (sources.isEmpty()) {
      throw spec.get("sources").fail("at least one source is required");
    }
    List<Cidr> ips = new ArrayList<>();
    for (Node n : spec.list("ipAddresses")) {
      try {
        ips.add(Cidr.parse(n.text()));
      } catch (IllegalArgumentException e) {
        throw n.fail(e.getMessage());
      }
    }
    List<Egress.Port> ports = new ArrayList<>();
    for (Node p : spec.list("ports")) {
      int number = p.get("number").port(0);
      if (number == 0) {
        throw p.get("number").fail("is required");
      }
      String protocol = p.requiredText("protocol").toLowerCase(Locale.ROOT);
      if (!Set.of("http", "https", "tcp", "tcp-server-first").contains(protocol)) {
        throw p.get("protocol").fail("\"" + protocol + "\" is not one of http, https, tcp, tcp-server-first");
      }
      ports.add(new Egress.Port(number, protocol));
    }
    if (ports.isEmpty()) {
      throw spec.get("ports").fail("at least one port is required");
    }
    List<Egress.MatchRef> matches = new ArrayList<>();
    for (Node m : spec.list("matches")) {
      matches.add(new Egress.MatchRef(m.text("apiGroup"), m.requiredText("kind"), m.requiredText("name")));
    }
    List<String> hosts = spec.textList("hosts");
    boolean needsHosts = ports.stream().anyMatch(p -> p.protocol().equals("http") || p.protocol().equals("https"));
    if (needsHosts && hosts.isEmpty()) {
      throw spec.get("hosts").fail("hosts are required for http and https ports");
    }
    return new Egress(meta, origin, sources, hosts, ips, ports, matches);
  }

  static MeshConfig meshConfig(ObjectMeta meta, Origin origin, Node spec) {
    Node traffic = spec.get("traffic");
    return new MeshConfig(meta, origin,
        traffic.get("enablePermissiveTrafficPolicyMode").bool(),
        traffic.get("enableEgress").bool(),
        spec.get("featureFlags").get("enableEgressPolicy").bool());
  }
}
