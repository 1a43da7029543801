package io.vxmesh.compile;

import io.vxmesh.common.IpAddress;
import io.vxmesh.common.Labels;
import io.vxmesh.compile.CompiledMesh.AccessRule;
import io.vxmesh.compile.CompiledMesh.DestinationEntry;
import io.vxmesh.compile.CompiledMesh.EgressEntry;
import io.vxmesh.compile.CompiledMesh.EgressPort;
import io.vxmesh.compile.CompiledMesh.Endpoint;
import io.vxmesh.compile.CompiledMesh.GatewayEntry;
import io.vxmesh.compile.CompiledMesh.MatchEntry;
import io.vxmesh.compile.CompiledMesh.MeshSettings;
import io.vxmesh.compile.CompiledMesh.PodEntry;
import io.vxmesh.compile.CompiledMesh.PortEntry;
import io.vxmesh.compile.CompiledMesh.RuleEntry;
import io.vxmesh.compile.CompiledMesh.ServerEntry;
import io.vxmesh.compile.CompiledMesh.ServiceEntry;
import io.vxmesh.compile.CompiledMesh.SubsetEntry;
import io.vxmesh.compile.CompiledMesh.TargetSpec;
import io.vxmesh.compile.CompiledMesh.VsEntry;
import io.vxmesh.model.DestinationRule;
import io.vxmesh.model.Egress;
import io.vxmesh.model.EndpointSlice;
import io.vxmesh.model.Gateway;
import io.vxmesh.model.Kind;
import io.vxmesh.model.MeshConfig;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.model.Pod;
import io.vxmesh.model.Resource;
import io.vxmesh.model.HttpRouteGroup;
import io.vxmesh.model.IdentityRef;
import io.vxmesh.model.Service;
import io.vxmesh.model.SmiTcpRoute;
import io.vxmesh.model.TrafficTarget;
import io.vxmesh.model.VirtualService;
import io.vxmesh.resource.Finding;
import io.vxmesh.resource.Finding.Code;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The pure compiler: a {@link MeshSnapshot} in, a {@link CompiledMesh} out. No I/O, no clock, no
 * Vert.x. Names are settled here (short hosts qualified, gateway references made
 * {@code namespace/name}), endpoints resolved from EndpointSlices or selected pods, DestinationRules
 * attached to hosts, and the configuration analysed: every problem becomes a {@link Finding} that
 * names the resource.
 */
public final class MeshCompiler {

  private final MeshSnapshot snapshot;
  private final List<Finding> findings = new ArrayList<>();
  private final Map<String, Pod> podsByName = new HashMap<>();
  private final Map<String, List<Pod>> podsByNamespace = new HashMap<>();
  private final Map<IpAddress, Pod> podsByIp = new HashMap<>();
  private final Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
  private final Map<String, ServiceEntry> servicesByHost = new TreeMap<>();
  private final Map<String, DestinationEntry> destinationsByHost = new TreeMap<>();
  private final Map<String, GatewayEntry> gatewaysByName = new TreeMap<>();

  private MeshCompiler(MeshSnapshot snapshot) {
    this.snapshot = snapshot;
  }

  public static CompiledMesh compile(MeshSnapshot snapshot) {
    return new MeshCompiler(snapshot).run();
  }

  private CompiledMesh run() {
    findings.addAll(snapshot.findings());
    MeshSettings settings = settings();
    indexPods();
    indexSlices();
    for (Service s : snapshot.<Service>ofKind(Kind.SERVICE)) {
      ServiceEntry e = service(s);
      servicesByHost.put(e.host(), e);
    }
    destinations();
    for (Gateway g : snapshot.<Gateway>ofKind(Kind.GATEWAY)) {
      GatewayEntry e = gateway(g);
      gatewaysByName.put(e.qualifiedName(), e);
    }
    List<VsEntry> virtualServices = virtualServices();
    List<PodEntry> pods = pods();
    List<AccessRule> access = accessRules();
    List<EgressEntry> egress = egressPolicies(settings);

    List<Finding> sorted = new ArrayList<>(new LinkedHashSet<>(findings));
    sorted.sort(Finding.ORDER);
    CompiledMesh draft = new CompiledMesh("", settings, List.copyOf(servicesByHost.values()), pods,
        List.copyOf(gatewaysByName.values()), virtualServices, List.copyOf(destinationsByHost.values()), access,
        egress, sorted);
    return MeshJson.withDigest(draft);
  }

  // ---------------------------------------------------------------- MeshConfig

  private MeshSettings settings() {
    MeshConfig chosen = null;
    for (MeshConfig mc : snapshot.<MeshConfig>ofKind(Kind.MESH_CONFIG)) {
      if (!mc.meta().name().equals(MeshConfig.NAME)) {
        findings.add(Finding.warning(Code.MESH_CONFIG_IGNORED, mc.origin().toString(), mc.describe(),
            "only the MeshConfig named " + MeshConfig.NAME + " configures the mesh; this one is ignored"));
      } else if (chosen != null) {
        findings.add(Finding.warning(Code.MESH_CONFIG_IGNORED, mc.origin().toString(), mc.describe(),
            "another " + MeshConfig.NAME + " (" + chosen.describe() + ") is already in force; this one is ignored"));
      } else {
        chosen = mc;
      }
    }
    MeshSettings d = MeshSettings.DEFAULTS;
    if (chosen == null) {
      return d;
    }
    return new MeshSettings(
        or(chosen.enablePermissiveTrafficPolicyMode(), d.permissiveTrafficPolicyMode()),
        or(chosen.enableEgress(), d.enableEgress()),
        or(chosen.enableEgressPolicy(), d.enableEgressPolicy()),
        chosen.meta().namespace() + "/" + chosen.meta().name());
  }

  private static boolean or(Boolean v, boolean dflt) {
    return v == null ? dflt : v;
  }

  // ---------------------------------------------------------------- pods, services, endpoints

  private void indexPods() {
    for (Pod p : snapshot.<Pod>ofKind(Kind.POD)) {
      podsByName.put(p.meta().namespace() + "/" + p.meta().name(), p);
      podsByNamespace.computeIfAbsent(p.meta().namespace(), k -> new ArrayList<>()).add(p);
      if (p.hostNetwork()) {
        continue;
      }
      for (String ip : p.podIPs()) {
        podsByIp.put(IpAddress.parse(ip), p);
      }
    }
  }

  private List<PodEntry> pods() {
    List<PodEntry> out = new ArrayList<>();
    for (Pod p : snapshot.<Pod>ofKind(Kind.POD)) {
      if (p.hostNetwork() || p.podIPs().isEmpty()) {
        continue;
      }
      out.add(new PodEntry(p.meta().namespace(), p.meta().name(), p.serviceAccount(),
          p.podIPs().stream().map(IpAddress::parse).toList(), p.meta().labels()));
    }
    return out;
  }

  private void indexSlices() {
    for (EndpointSlice s : snapshot.<EndpointSlice>ofKind(Kind.ENDPOINT_SLICE)) {
      slicesByService.computeIfAbsent(s.meta().namespace() + "/" + s.serviceName(), k -> new ArrayList<>()).add(s);
    }
  }

  private ServiceEntry service(Service s) {
    String host = Hosts.serviceHost(s.meta().namespace(), s.meta().name());
    List<IpAddress> vips = s.clusterIPs().stream().map(IpAddress::parse).toList();
    List<PortEntry> ports = new ArrayList<>();
    for (Service.Port p : s.ports()) {
      if (!p.protocol().equals("TCP")) {
        continue;
      }
      ports.add(new PortEntry(p.port(), p.name(), PortProtocol.of(p.appProtocol(), p.name()), endpoints(s, p)));
    }
    return new ServiceEntry(host, s.meta().namespace(), s.meta().name(), vips, s.headless(), ports);
  }

  private List<Endpoint> endpoints(Service s, Service.Port sp) {
    List<Endpoint> out = new ArrayList<>();
    List<EndpointSlice> slices = slicesByService.get(s.meta().namespace() + "/" + s.meta().name());
    if (slices != null) {
      for (EndpointSlice slice : slices) {
        Integer port = slicePort(slice, sp);
        if (port == null) {
          continue;
        }
        for (EndpointSlice.Endpoint e : slice.endpoints()) {
          if (!e.ready()) {
            continue;
          }
          for (String address : e.addresses()) {
            IpAddress ip = IpAddress.parse(address);
            Pod pod = null;
            if (e.targetRef() != null && "Pod".equals(e.targetRef().kind())) {
              pod = podsByName.get(e.targetRef().namespace() + "/" + e.targetRef().name());
            }
            if (pod == null) {
              pod = podsByIp.get(ip);
            }
            out.add(endpoint(ip, port, pod));
          }
        }
      }
    } else if (s.hasSelector()) {
      for (Pod pod : podsByNamespace.getOrDefault(s.meta().namespace(), List.of())) {
        if (!pod.ready() || pod.podIP() == null
            || !Labels.matches(s.selector(), pod.meta().labels())) {
          continue;
        }
        int port = targetPort(sp, pod);
        if (port == 0) {
          continue;
        }
        for (String ip : pod.podIPs()) {
          out.add(endpoint(IpAddress.parse(ip), port, pod));
        }
      }
    }
    out.sort(Comparator.comparing(Endpoint::ip).thenComparingInt(Endpoint::port));
    return out;
  }

  /** The slice's port for a Service port: matched by name, as the EndpointSlice controller writes it. */
  private static Integer slicePort(EndpointSlice slice, Service.Port sp) {
    if (slice.ports().isEmpty()) {
      return sp.targetPort().isNamed() ? null : sp.targetPort().number();
    }
    for (EndpointSlice.Port p : slice.ports()) {
      if (p.name().equals(sp.name()) && p.port() > 0) {
        return p.port();
      }
    }
    return null;
  }

  private static int targetPort(Service.Port sp, Pod pod) {
    if (!sp.targetPort().isNamed()) {
      return sp.targetPort().number();
    }
    for (Pod.ContainerPort cp : pod.containerPorts()) {
      if (sp.targetPort().name().equals(cp.name())) {
        return cp.containerPort();
      }
    }
    return 0;
  }

  private static Endpoint endpoint(IpAddress ip, int port, Pod pod) {
    if (pod == null) {
      return new Endpoint(ip, port, "", "", Map.of());
    }
    return new Endpoint(ip, port, pod.meta().namespace() + "/" + pod.meta().name(),
        pod.meta().namespace() + "/" + pod.serviceAccount(), pod.meta().labels());
  }

  /**
   * The Services some of {@code patterns} match, in host order: a name without {@code *} is looked
   * up, a wildcard scans (so meshes of many concrete hosts compile in linear time).
   */
  private List<ServiceEntry> servicesFor(List<String> patterns) {
    if (patterns.size() == 1 && patterns.get(0).indexOf('*') < 0) {
      ServiceEntry s = servicesByHost.get(patterns.get(0));
      return s == null ? List.of() : List.of(s);
    }
    java.util.TreeMap<String, ServiceEntry> out = new java.util.TreeMap<>();
    for (String p : patterns) {
      if (p.indexOf('*') < 0) {
        ServiceEntry s = servicesByHost.get(p);
        if (s != null) {
          out.put(s.host(), s);
        }
      } else {
        for (ServiceEntry s : servicesByHost.values()) {
          if (Hosts.matches(p, s.host())) {
            out.put(s.host(), s);
          }
        }
      }
    }
    return List.copyOf(out.values());
  }

  // ---------------------------------------------------------------- DestinationRules

  private void destinations() {
    List<DestinationRule> rules = new ArrayList<>(snapshot.<DestinationRule>ofKind(Kind.DESTINATION_RULE));
    rules.sort(CREATION_ORDER);
    for (DestinationRule dr : rules) {
      String host = Hosts.qualify(dr.host(), dr.meta().namespace());
      boolean known = !servicesFor(List.of(host)).isEmpty();
      if (!known) {
        findings.add(Finding.error(Code.UNKNOWN_HOST, dr.origin().toString(), dr.describe(),
            "spec.host \"" + dr.host() + "\" (" + host + ") matches no Service"
                + suggestion(host) + "; its subsets and traffic policy apply to nothing"));
      }
      DestinationEntry existing = destinationsByHost.get(host);
      if (existing != null) {
        findings.add(Finding.warning(Code.MULTIPLE_VIRTUAL_SERVICES, dr.origin().toString(), dr.describe(),
            "DestinationRule " + existing.rule() + " already applies to " + host + "; this one is ignored"));
        continue;
      }
      UpstreamPolicy policy = UpstreamPolicy.from(dr.trafficPolicy());
      List<SubsetEntry> subsets = new ArrayList<>();
      for (DestinationRule.Subset s : dr.subsets()) {
        subsets.add(new SubsetEntry(s.name(), s.labels(),
            UpstreamPolicy.from(orNone(dr.trafficPolicy()).overriddenBy(s.trafficPolicy()))));
        if (known && !selectsAnyPod(host, s.labels())) {
          findings.add(Finding.warning(Code.SUBSET_SELECTS_NO_PODS, dr.origin().toString(), dr.describe(),
              "subset \"" + s.name() + "\" (" + Labels.format(s.labels()) + ") selects no ready endpoint of " + host));
        }
      }
      destinationsByHost.put(host, new DestinationEntry(host,
          dr.meta().namespace() + "/" + dr.meta().name(), policy, subsets));
    }
  }

  private static DestinationRule.TrafficPolicy orNone(DestinationRule.TrafficPolicy tp) {
    return tp == null ? DestinationRule.TrafficPolicy.NONE : tp;
  }

  private boolean selectsAnyPod(String host, Map<String, String> labels) {
    for (ServiceEntry s : servicesFor(List.of(host))) {
      for (PortEntry p : s.ports()) {
        for (Endpoint e : p.endpoints()) {
          if (Labels.matches(labels, e.labels())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * A near-miss suggestion: a Service whose name starts like the host's first label; of several,
   * the one in the host's namespace whose name is closest in length ({@code echo} suggests
   * {@code echo-server} before {@code echo-server-2}).
   */
  private String suggestion(String host) {
    String[] labels = host.split("\\.");
    String first = labels[0];
    String namespace = labels.length > 1 ? labels[1] : "";
    String best = null;
    int bestScore = Integer.MAX_VALUE;
    for (ServiceEntry s : servicesByHost.values()) {
      String name = s.name();
      if (!first.isEmpty() && !first.equals("*") && (name.startsWith(first) || first.startsWith(name))) {
        int score = (s.namespace().equals(namespace) ? 0 : 1_000) + Math.abs(name.length() - first.length());
        if (score < bestScore) {
          best = s.host();
          bestScore = score;
        }
      }
    }
    return best == null ? "" : " (did you mean " + best + "?)";
  }

  /** The DestinationRule for a host: exact first, then the most specific wildcard. */
  static DestinationEntry destinationFor(Map<String, DestinationEntry> byHost, String host) {
    DestinationEntry exact = byHost.get(host);
    if (exact != null) {
      return exact;
    }
    DestinationEntry best = null;
    for (DestinationEntry e : byHost.values()) {
      if (Hosts.matches(e.host(), host) && (best == null || Hosts.specificity(e.host()) > Hosts.specificity(best.host()))) {
        best = e;
      }
    }
    return best;
  }

  // ---------------------------------------------------------------- SMI access

  /**
   * TrafficTargets resolved against their routes (in the TrafficTarget's namespace): a TCPRoute
   * gives its ports (none = all); an HTTPRouteGroup allows the destination at L4 on every port (its
   * HTTP matches are enforced for egress only). A missing route contributes nothing and is reported.
   */
  private List<AccessRule> accessRules() {
    Map<String, SmiTcpRoute> tcpRoutes = new HashMap<>();
    for (SmiTcpRoute r : snapshot.<SmiTcpRoute>ofKind(Kind.TCP_ROUTE)) {
      tcpRoutes.put(r.meta().namespace() + "/" + r.meta().name(), r);
    }
    Map<String, HttpRouteGroup> httpGroups = new HashMap<>();
    for (HttpRouteGroup g : snapshot.<HttpRouteGroup>ofKind(Kind.HTTP_ROUTE_GROUP)) {
      httpGroups.put(g.meta().namespace() + "/" + g.meta().name(), g);
    }
    List<AccessRule> out = new ArrayList<>();
    for (TrafficTarget tt : snapshot.<TrafficTarget>ofKind(Kind.TRAFFIC_TARGET)) {
      String where = tt.origin().toString();
      String who = tt.describe();
      String ns = tt.meta().namespace();
      if (!tt.destination().namespace().equals(ns)) {
        findings.add(Finding.warning(Code.UNKNOWN_IDENTITY, where, who, "the destination " + tt.destination()
            + " is not in the TrafficTarget's namespace " + ns + "; as in OSM, the TrafficTarget is ignored"));
        continue;
      }
      java.util.Set<Integer> ports = new java.util.TreeSet<>();
      boolean allPorts = false;
      boolean anyRule = false;
      for (TrafficTarget.RuleRef rule : tt.rules()) {
        String key = ns + "/" + rule.name();
        switch (rule.kind()) {
          case "TCPRoute" -> {
            SmiTcpRoute r = tcpRoutes.get(key);
            if (r == null) {
              findings.add(Finding.error(Code.UNKNOWN_ROUTE, where, who, "rule TCPRoute " + key
                  + " does not exist; it allows nothing"));
              continue;
            }
            anyRule = true;
            if (r.ports().isEmpty()) {
              allPorts = true;
            }
            ports.addAll(r.ports());
          }
          case "HTTPRouteGroup" -> {
            if (!httpGroups.containsKey(key)) {
              findings.add(Finding.error(Code.UNKNOWN_ROUTE, where, who, "rule HTTPRouteGroup " + key
                  + " does not exist; it allows nothing"));
              continue;
            }
            anyRule = true;
            allPorts = true;
          }
          default -> findings.add(Finding.warning(Code.UNKNOWN_ROUTE, where, who, "rule kind " + rule.kind()
              + " is not supported (TCPRoute, HTTPRouteGroup); it allows nothing"));
        }
      }
      if (!anyRule) {
        continue;
      }
      List<String> sources = new ArrayList<>();
      for (IdentityRef src : tt.sources()) {
        sources.add(src.namespace() + "/" + src.name());
      }
      out.add(new AccessRule(ns + "/" + tt.meta().name(),
          tt.destination().namespace() + "/" + tt.destination().name(), sources,
          allPorts ? List.of() : List.copyOf(ports)));
    }
    return out;
  }

  // ---------------------------------------------------------------- OSM Egress

  /**
   * Egress policies resolved against their HTTPRouteGroups (in the Egress's namespace). A policy
   * with {@code matches} allows only the requests its groups match; a missing group contributes
   * nothing and is reported, so those requests get 404.
   */
  private List<EgressEntry> egressPolicies(MeshSettings settings) {
    Map<String, HttpRouteGroup> groups = new HashMap<>();
    for (HttpRouteGroup g : snapshot.<HttpRouteGroup>ofKind(Kind.HTTP_ROUTE_GROUP)) {
      groups.put(g.meta().namespace() + "/" + g.meta().name(), g);
    }
    List<EgressEntry> out = new ArrayList<>();
    Map<Integer, String> serverFirstPorts = new TreeMap<>();
    Map<Integer, String> otherPorts = new TreeMap<>();
    for (Egress e : snapshot.<Egress>ofKind(Kind.EGRESS)) {
      String where = e.origin().toString();
      String who = e.describe();
      String ns = e.meta().namespace();
      if (!settings.enableEgressPolicy()) {
        findings.add(Finding.warning(Code.EGRESS_POLICY_OFF, where, who, "egress policies are off (MeshConfig "
            + (settings.meshConfig().isEmpty() ? MeshConfig.NAME : settings.meshConfig())
            + " spec.featureFlags.enableEgressPolicy is false): this Egress is not applied"));
      }
      boolean anyHttp = false;
      List<EgressPort> ports = new ArrayList<>();
      for (Egress.Port p : e.ports()) {
        ports.add(new EgressPort(p.number(), p.protocol()));
        anyHttp |= p.protocol().equals("http");
        (p.protocol().equals("tcp-server-first") ? serverFirstPorts : otherPorts).putIfAbsent(p.number(), who);
      }
      HttpRoutes routes = HttpRoutes.ANY;
      List<HttpRoutes.HttpRoute> list = new ArrayList<>();
      boolean restricted = false;
      for (Egress.MatchRef m : e.matches()) {
        if (!m.kind().equals("HTTPRouteGroup")) {
          // OSM: matches naming anything else (an UpstreamTrafficSetting) do not narrow the requests.
          findings.add(Finding.warning(Code.EGRESS_FIELD_IGNORED, where, who, "spec.matches kind " + m.kind()
              + " is not supported by vxmesh (HTTPRouteGroup is); it is ignored"));
          continue;
        }
        restricted = true;
        if (!anyHttp) {
          findings.add(Finding.warning(Code.EGRESS_FIELD_IGNORED, where, who, "spec.matches apply to http ports"
              + " only; this Egress has none"));
        }
        String key = ns + "/" + m.name();
        HttpRouteGroup g = groups.get(key);
        if (g == null) {
          findings.add(Finding.error(Code.UNKNOWN_ROUTE, where, who, "spec.matches names HTTPRouteGroup " + key
              + ", which does not exist; it allows no request (they get 404)"));
          continue;
        }
        for (HttpRouteGroup.HttpMatch hm : g.matches()) {
          String bad = badHeaderRegex(hm.headers());
          if (bad != null) {
            findings.add(Finding.error(Code.INVALID_RESOURCE, g.origin().toString(), g.describe(), "match \""
                + hm.name() + "\" header " + bad + "; the match allows nothing"));
            continue;
          }
          list.add(new HttpRoutes.HttpRoute(key, hm.name(), hm.pathRegex(), hm.methods(), hm.headers()));
        }
      }
      if (restricted) {
        routes = new HttpRoutes(true, list);
      }
      List<String> sources = new ArrayList<>();
      for (IdentityRef src : e.sources()) {
        sources.add(src.namespace() + "/" + src.name());
      }
      List<String> hosts = e.hosts().stream().map(h -> h.trim().toLowerCase(java.util.Locale.ROOT)).toList();
      out.add(new EgressEntry(ns + "/" + e.meta().name(), sources, hosts, e.ipAddresses(), ports, routes));
    }
    serverFirstPorts.forEach((port, who) -> {
      if (otherPorts.containsKey(port)) {
        findings.add(Finding.warning(Code.EGRESS_FIELD_IGNORED, null, who, "port " + port + " is tcp-server-first here"
            + " and another protocol in " + otherPorts.get(port) + "; as in OSM, a server-first port must not be"
            + " used for protocols that need detection: tcp rules of the port win"));
      }
    });
    return out;
  }

  /** A description of the first header regular expression that does not compile, or null. */
  private static String badHeaderRegex(Map<String, String> headers) {
    for (Map.Entry<String, String> h : headers.entrySet()) {
      try {
        java.util.regex.Pattern.compile(h.getValue());
      } catch (java.util.regex.PatternSyntaxException ex) {
        return h.getKey() + ": \"" + h.getValue() + "\" is not a valid regular expression (" + ex.getDescription() + ")";
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- Gateways

  private GatewayEntry gateway(Gateway g) {
    List<ServerEntry> servers = new ArrayList<>();
    for (Gateway.Server s : g.servers()) {
      if (!s.isL4()) {
        String what = s.port().protocol().equals("TLS") ? "protocol TLS with tls.mode "
            + (s.tlsMode().isEmpty() ? "(none)" : s.tlsMode()) : "protocol " + s.port().protocol();
        findings.add(Finding.warning(Code.UNSUPPORTED_SERVER, g.origin().toString(), g.describe(),
            "server port " + s.port().number() + " has " + what + "; vxmesh gateways serve TCP servers and TLS"
                + " servers with tls.mode PASSTHROUGH only (they do not terminate TLS or speak HTTP), so this"
                + " server is not opened"));
      }
      servers.add(new ServerEntry(s.port().number(), s.port().protocol(),
          s.port().name() == null ? "" : s.port().name(), s.hosts(), s.tlsMode()));
    }
    return new GatewayEntry(g.meta().namespace(), g.meta().name(), g.selector(), servers);
  }

  // ---------------------------------------------------------------- VirtualServices

  /** Istio's precedence: older first (creationTimestamp), then namespace and name. */
  static final Comparator<Resource> CREATION_ORDER = Comparator
      .comparing((Resource r) -> r.meta().creationTimestamp())
      .thenComparing(r -> r.meta().namespace())
      .thenComparing(r -> r.meta().name());

  private List<VsEntry> virtualServices() {
    List<VirtualService> all = new ArrayList<>(snapshot.<VirtualService>ofKind(Kind.VIRTUAL_SERVICE));
    all.sort(CREATION_ORDER);
    List<VsEntry> out = new ArrayList<>();
    Map<String, List<String>> meshHostOwners = new LinkedHashMap<>();
    for (VirtualService vs : all) {
      String ns = vs.meta().namespace();
      String where = vs.origin().toString();
      String who = vs.describe();
      List<String> hosts = vs.hosts().stream().map(h -> Hosts.qualify(h, ns)).distinct().toList();
      List<String> gateways = qualifyGateways(vs.effectiveGateways(), ns, where, who, "spec.gateways");
      List<RuleEntry> tcp = rules(vs, "tcp", vs.tcp(), gateways);
      List<RuleEntry> tls = rules(vs, "tls", vs.tls(), gateways);
      analyseHostsAndSections(vs, hosts, gateways, meshHostOwners);
      out.add(new VsEntry(ns, vs.meta().name(), where, hosts, gateways, tcp, tls));
    }
    meshHostOwners.forEach((host, owners) -> {
      if (owners.size() > 1) {
        findings.add(new Finding(Finding.Severity.INFO, Code.MULTIPLE_VIRTUAL_SERVICES, null, null,
            "VirtualServices " + owners + " all apply to " + host + " in the mesh; their tcp rules are tried in that order"));
      }
    });
    return out;
  }

  /**
   * One section ({@code tcp} or {@code tls}) of a VirtualService, names settled and analysed: rules
   * after a catch-all are reported, match gateways checked, destinations checked.
   */
  private List<RuleEntry> rules(VirtualService vs, String section, List<VirtualService.L4Route> routes,
      List<String> gateways) {
    String ns = vs.meta().namespace();
    String where = vs.origin().toString();
    String who = vs.describe();
    List<RuleEntry> rules = new ArrayList<>();
    int catchAll = -1;
    for (int i = 0; i < routes.size(); i++) {
      VirtualService.L4Route r = routes.get(i);
      if (catchAll >= 0) {
        findings.add(Finding.warning(Code.SHADOWED_RULE, where, who,
            section + "[" + i + "] is never used: " + section + "[" + catchAll + "] before it matches every connection"));
      }
      List<MatchEntry> matches = new ArrayList<>();
      for (int m = 0; m < r.match().size(); m++) {
        VirtualService.L4Match lm = r.match().get(m);
        List<String> mg = lm.gateways().isEmpty() ? List.of()
            : qualifyGateways(lm.gateways(), ns, where, who, "spec." + section + "[" + i + "].match[" + m + "].gateways");
        for (String g : mg) {
          if (!gateways.contains(g)) {
            findings.add(Finding.warning(Code.UNKNOWN_GATEWAY, where, who, section + "[" + i + "].match[" + m
                + "] names gateway " + g + ", which is not among spec.gateways " + gateways
                + "; the VirtualService is not bound to it, so this match never applies there"));
          }
        }
        matches.add(new MatchEntry(lm.port(), lm.destinationSubnets(), lm.sourceLabels(), lm.sourceNamespace(), mg,
            lm.sniHosts()));
      }
      if (catchAll < 0 && (r.match().isEmpty() || r.match().stream().anyMatch(VirtualService.L4Match::isEmpty))) {
        catchAll = i;
      }
      List<TargetSpec> targets = new ArrayList<>();
      for (int d = 0; d < r.route().size(); d++) {
        VirtualService.RouteDestination rd = r.route().get(d);
        String host = Hosts.qualify(rd.destination().host(), ns);
        int weight = r.route().size() == 1 ? 100 : (rd.weight() == null ? 0 : rd.weight());
        TargetSpec t = new TargetSpec(host, rd.destination().subset(), rd.destination().port(), weight);
        checkTarget(t, where, who, section + "[" + i + "].route[" + d + "]", gateways);
        targets.add(t);
      }
      rules.add(new RuleEntry(i, matches, targets));
    }
    return rules;
  }

  private List<String> qualifyGateways(List<String> names, String ns, String where, String who, String field) {
    List<String> out = new ArrayList<>();
    for (String g : names) {
      String q;
      if (g.equals(VirtualService.MESH)) {
        q = VirtualService.MESH;
      } else if (g.contains("/")) {
        q = g;
      } else {
        q = ns + "/" + g;
      }
      if (!q.equals(VirtualService.MESH) && !gatewaysByName.containsKey(q)) {
        findings.add(Finding.error(Code.UNKNOWN_GATEWAY, where, who,
            field + " names Gateway " + q + ", which does not exist"));
      }
      if (!out.contains(q)) {
        out.add(q);
      }
    }
    return out;
  }

  private void checkTarget(TargetSpec t, String where, String who, String field, List<String> gateways) {
    ServiceEntry svc = servicesByHost.get(t.host());
    if (svc == null) {
      findings.add(Finding.error(Code.UNKNOWN_HOST, where, who, field + " destination host " + t.host()
          + " matches no Service" + suggestion(t.host()) + "; connections routed there are refused"));
      return;
    }
    if (t.port() != 0 && svc.port(t.port()) == null) {
      findings.add(Finding.error(Code.UNKNOWN_PORT, where, who, field + " destination port " + t.port()
          + " is not a port of Service " + svc.namespace() + "/" + svc.name() + " (ports: "
          + svc.ports().stream().map(p -> Integer.toString(p.port())).toList() + ")"));
    }
    if (!t.subset().isEmpty()) {
      DestinationEntry dest = destinationFor(destinationsByHost, t.host());
      if (dest == null || dest.subset(t.subset()) == null) {
        findings.add(Finding.error(Code.UNKNOWN_SUBSET, where, who, field + " subset \"" + t.subset()
            + "\" of " + t.host() + " is defined by no DestinationRule"
            + (dest == null ? " (no DestinationRule has this host)" : " (" + dest.rule() + " defines "
                + dest.subsets().stream().map(SubsetEntry::name).toList() + ")")
            + "; connections routed there are refused"));
      }
    }
    boolean noEndpoints = true;
    for (PortEntry p : svc.ports()) {
      if (t.port() == 0 || p.port() == t.port()) {
        noEndpoints &= p.endpoints().isEmpty();
      }
    }
    if (noEndpoints && !svc.ports().isEmpty()) {
      findings.add(Finding.warning(Code.NO_ENDPOINTS, where, who, field + " destination "
          + t.host() + " has no ready endpoints yet"));
    }
  }

  private void analyseHostsAndSections(VirtualService vs, List<String> hosts, List<String> gateways,
      Map<String, List<String>> meshHostOwners) {
    String where = vs.origin().toString();
    String who = vs.describe();
    boolean mesh = gateways.contains(VirtualService.MESH);
    List<ServiceEntry> meshServices = new ArrayList<>();
    if (mesh) {
      for (ServiceEntry s : servicesFor(hosts)) {
        meshServices.add(s);
        if (!vs.tcp().isEmpty()) {
          meshHostOwners.computeIfAbsent(s.host(), k -> new ArrayList<>())
              .add(vs.meta().namespace() + "/" + vs.meta().name());
        }
      }
      if (meshServices.isEmpty() && !vs.tcp().isEmpty()) {
        findings.add(Finding.warning(Code.UNKNOWN_HOST, where, who, "spec.hosts " + hosts
            + " match no Service; sidecars route by service address, so its rules never apply in the mesh"));
      }
    }
    List<String> tcpServerPorts = new ArrayList<>();
    for (String g : gateways) {
      GatewayEntry ge = gatewaysByName.get(g);
      if (ge == null) {
        continue;
      }
      boolean anyHost = false;
      for (ServerEntry s : ge.servers()) {
        if (serverHostsMatch(s, ge.namespace(), vs.meta().namespace(), hosts)) {
          anyHost = true;
          if (s.protocol().equals("TCP")) {
            tcpServerPorts.add(g + " port " + s.port());
          }
        }
      }
      if (!anyHost) {
        findings.add(Finding.warning(Code.GATEWAY_HOSTS_UNMATCHED, where, who, "spec.hosts " + hosts
            + " match no server host of Gateway " + g + "; the VirtualService does not apply there"));
      }
    }
    if (vs.httpRouteCount() > 0) {
      List<String> tcpPorts = new ArrayList<>();
      for (ServiceEntry s : meshServices) {
        for (PortEntry p : s.ports()) {
          if (p.protocol() == PortProtocol.TCP || p.protocol() == PortProtocol.TCP_SERVER_FIRST) {
            tcpPorts.add("port " + p.port() + (p.name().isEmpty() ? "" : " (" + p.name() + ")")
                + " of Service " + s.namespace() + "/" + s.name());
          }
        }
      }
      tcpPorts.addAll(tcpServerPorts);
      String routes = vs.httpRouteCount() + " http route" + (vs.httpRouteCount() == 1 ? "" : "s");
      if (!tcpPorts.isEmpty()) {
        findings.add(Finding.error(Code.HTTP_ROUTES_ON_TCP_PORT, where, who, "spec.http has " + routes
            + ", but " + String.join(", ", tcpPorts) + " carries TCP: http routes never apply to TCP"
            + " traffic; write them under spec.tcp"));
      } else {
        findings.add(Finding.warning(Code.HTTP_ROUTES_NOT_SUPPORTED, where, who, "spec.http has " + routes
            + "; vxmesh routes at L4 (tcp) only, so they are ignored"));
      }
    }
    if (!vs.tls().isEmpty()) {
      boolean tlsPort = meshServices.stream().flatMap(s -> s.ports().stream())
          .anyMatch(p -> p.protocol() == PortProtocol.TLS || p.protocol() == PortProtocol.HTTPS);
      boolean tlsServer = gateways.stream().map(gatewaysByName::get).filter(java.util.Objects::nonNull)
          .flatMap(ge -> ge.servers().stream()).anyMatch(ServerEntry::isPassthroughTls);
      if (!tlsPort && !tlsServer) {
        findings.add(Finding.warning(Code.TLS_ROUTES_NOT_SUPPORTED, where, who, "spec.tls has " + vs.tls().size()
            + " route(s), but no port they could apply to: tls routes match TLS or HTTPS Service ports (appProtocol"
            + " or port name) in the mesh and TLS PASSTHROUGH servers of its Gateways"));
      }
    }
  }

  /**
   * Whether a Gateway server exposes a VirtualService: some server host ({@code host},
   * {@code ns/host}, {@code ./host}, {@code *}) matches some VirtualService host.
   */
  static boolean serverHostsMatch(ServerEntry server, String gatewayNamespace, String vsNamespace,
      List<String> vsHosts) {
    for (String sh : server.hosts()) {
      String host = sh;
      int slash = sh.indexOf('/');
      if (slash >= 0) {
        String ns = sh.substring(0, slash);
        host = sh.substring(slash + 1);
        boolean allowed = ns.equals("*") || ns.equals(vsNamespace)
            || (ns.equals(".") && gatewayNamespace.equals(vsNamespace));
        if (!allowed) {
          continue;
        }
      }
      for (String vh : vsHosts) {
        if (Hosts.matches(host, vh)) {
          return true;
        }
      }
    }
    return false;
  }
}
