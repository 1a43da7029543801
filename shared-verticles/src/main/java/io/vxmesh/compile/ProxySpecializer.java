package io.vxmesh.compile;

import io.vxmesh.common.Cidr;
import io.vxmesh.common.IpAddress;
import io.vxmesh.common.Labels;
import io.vxmesh.compile.CompiledMesh.DestinationEntry;
import io.vxmesh.compile.CompiledMesh.Endpoint;
import io.vxmesh.compile.CompiledMesh.GatewayEntry;
import io.vxmesh.compile.CompiledMesh.MatchEntry;
import io.vxmesh.compile.CompiledMesh.PodEntry;
import io.vxmesh.compile.CompiledMesh.PortEntry;
import io.vxmesh.compile.CompiledMesh.RuleEntry;
import io.vxmesh.compile.CompiledMesh.ServerEntry;
import io.vxmesh.compile.CompiledMesh.ServiceEntry;
import io.vxmesh.compile.CompiledMesh.SubsetEntry;
import io.vxmesh.compile.CompiledMesh.TargetSpec;
import io.vxmesh.compile.CompiledMesh.VsEntry;
import io.vxmesh.model.VirtualService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Specialises a {@link CompiledMesh} for one proxy, as Istio's {@code BuildListeners(proxy, push)}
 * does: match fields about the source (sourceLabels, sourceNamespace, gateways) and, where the port
 * is known, {@code port} are decided here; only destination subnets are left for each connection.
 */
final class ProxySpecializer {

  private final CompiledMesh mesh;
  private final ProxyIdentity identity;
  private final Map<String, ServiceEntry> services = new HashMap<>();
  private final Map<String, DestinationEntry> destinations = new TreeMap<>();

  ProxySpecializer(CompiledMesh mesh, ProxyIdentity identity) {
    this.mesh = mesh;
    this.identity = identity;
    for (ServiceEntry s : mesh.services()) {
      services.put(s.host(), s);
    }
    for (DestinationEntry d : mesh.destinations()) {
      destinations.put(d.host(), d);
    }
  }

  ProxyTable build(String version) {
    Map<IpAddress, PodEntry> pods = new HashMap<>();
    for (PodEntry p : mesh.pods()) {
      for (IpAddress ip : p.ips()) {
        pods.put(ip, p);
      }
    }
    if (identity.role() == ProxyIdentity.Role.GATEWAY) {
      return gateway(version, pods);
    }
    return sidecar(version, pods);
  }

  // ---------------------------------------------------------------- gateway

  private ProxyTable gateway(String version, Map<IpAddress, PodEntry> pods) {
    // Listener port -> the TCP and TLS-passthrough servers of the Gateways that select this proxy.
    Map<Integer, List<GatewayServer>> byPort = new TreeMap<>();
    for (GatewayEntry g : mesh.gateways()) {
      if (!Labels.matches(g.selector(), identity.labels())) {
        continue;
      }
      for (ServerEntry s : g.servers()) {
        if (s.isServed()) {
          byPort.computeIfAbsent(s.port(), k -> new ArrayList<>()).add(new GatewayServer(g, s));
        }
      }
    }
    List<ProxyTable.Listener> listeners = new ArrayList<>();
    Map<Integer, RouteTable> routes = new HashMap<>();
    for (Map.Entry<Integer, List<GatewayServer>> e : byPort.entrySet()) {
      int port = e.getKey();
      Set<String> names = new LinkedHashSet<>();
      e.getValue().forEach(gs -> names.add(gs.gateway.qualifiedName()));
      listeners.add(new ProxyTable.Listener(port, List.copyOf(names)));
      boolean tls = e.getValue().stream().anyMatch(gs -> gs.server.isPassthroughTls());
      List<CompiledRule> tlsRules = new ArrayList<>();
      List<CompiledRule> tcpRules = new ArrayList<>();
      for (VsEntry vs : mesh.virtualServices()) {
        Set<String> bound = new LinkedHashSet<>();
        for (GatewayServer gs : e.getValue()) {
          if (vs.gateways().contains(gs.gateway.qualifiedName())
              && MeshCompiler.serverHostsMatch(gs.server, gs.gateway.namespace(), vs.namespace(), vs.hosts())) {
            bound.add(gs.gateway.qualifiedName());
          }
        }
        if (!bound.isEmpty()) {
          if (tls) {
            addRules(tlsRules, vs, "tls", vs.tls(), bound, port);
          }
          addRules(tcpRules, vs, "tcp", vs.tcp(), bound, port);
        }
      }
      List<CompiledRule> rules = new ArrayList<>(tlsRules);
      rules.addAll(tcpRules);
      routes.put(port, new RouteTable("gateway port " + port, rules, null));
    }
    return new ProxyTable(version, identity, mesh.settings(), listeners, routes, Map.of(), pods, access(),
        EgressTable.NONE);
  }

  private record GatewayServer(GatewayEntry gateway, ServerEntry server) {}

  // ---------------------------------------------------------------- sidecar

  private ProxyTable sidecar(String version, Map<IpAddress, PodEntry> pods) {
    Map<IpAddress, Map<Integer, RouteTable>> byDestination = new HashMap<>();
    Set<String> meshOnly = Set.of(VirtualService.MESH);
    // The mesh VirtualServices by concrete host, and those with wildcard hosts, each in precedence
    // order: a service looks up its own instead of testing every VirtualService.
    Map<String, List<Integer>> byHost = new HashMap<>();
    List<Integer> wildcards = new ArrayList<>();
    List<VsEntry> all = mesh.virtualServices();
    for (int i = 0; i < all.size(); i++) {
      VsEntry vs = all.get(i);
      if (!vs.gateways().contains(VirtualService.MESH)) {
        continue;
      }
      boolean wild = false;
      for (String h : vs.hosts()) {
        if (h.indexOf('*') >= 0) {
          wild = true;
        } else {
          List<Integer> l = byHost.computeIfAbsent(h, k -> new ArrayList<>());
          if (l.isEmpty() || l.get(l.size() - 1) != i) {
            l.add(i);
          }
        }
      }
      if (wild) {
        wildcards.add(i);
      }
    }
    for (ServiceEntry svc : mesh.services()) {
      java.util.TreeSet<Integer> applying = new java.util.TreeSet<>(byHost.getOrDefault(svc.host(), List.of()));
      for (int i : wildcards) {
        if (all.get(i).hosts().stream().anyMatch(h -> Hosts.matches(h, svc.host()))) {
          applying.add(i);
        }
      }
      for (PortEntry port : svc.ports()) {
        // TLS ports: the tls rules (by server name) first, then the tcp rules, as Istio does.
        boolean tls = port.protocol() == PortProtocol.TLS || port.protocol() == PortProtocol.HTTPS;
        List<CompiledRule> tlsRules = new ArrayList<>();
        List<CompiledRule> tcpRules = new ArrayList<>();
        for (int i : applying) {
          VsEntry vs = all.get(i);
          if (tls) {
            addRules(tlsRules, vs, "tls", vs.tls(), meshOnly, port.port());
          }
          addRules(tcpRules, vs, "tcp", vs.tcp(), meshOnly, port.port());
        }
        List<CompiledRule> rules = new ArrayList<>(tlsRules);
        rules.addAll(tcpRules);
        Route fallback = svc.headless() ? null : Route.of(List.of(
            target(new TargetSpec(svc.host(), "", port.port(), 100), port.port())));
        RouteTable table = new RouteTable(svc.host() + ":" + port.port(), rules, fallback, port.protocol());
        for (IpAddress vip : svc.vips()) {
          byDestination.computeIfAbsent(vip, k -> new HashMap<>()).put(port.port(), table);
        }
        if (svc.headless()) {
          for (Endpoint ep : port.endpoints()) {
            byDestination.computeIfAbsent(ep.ip(), k -> new HashMap<>()).putIfAbsent(port.port(), table);
          }
        }
      }
    }
    Map<IpAddress, Map<Integer, RouteTable>> frozen = new HashMap<>();
    byDestination.forEach((k, v) -> frozen.put(k, Map.copyOf(v)));
    return new ProxyTable(version, identity, mesh.settings(), List.of(), Map.of(), frozen, pods, access(),
        egress());
  }

  // ---------------------------------------------------------------- egress

  /** The Egress policies whose sources include this proxy's identity, by port (sidecars only). */
  private EgressTable egress() {
    if (!mesh.settings().enableEgressPolicy() || identity.serviceAccount().isEmpty()) {
      return EgressTable.NONE;
    }
    String self = identity.namespace() + "/" + identity.serviceAccount();
    Map<Integer, List<EgressTable.Rule>> byPort = new TreeMap<>();
    for (CompiledMesh.EgressEntry e : mesh.egress()) {
      if (!e.sources().contains(self)) {
        continue;
      }
      List<EgressTable.RouteMatcher> routes = new ArrayList<>();
      for (HttpRoutes.HttpRoute r : e.routes().routes()) {
        routes.add(new EgressTable.RouteMatcher(r));
      }
      for (CompiledMesh.EgressPort p : e.ports()) {
        byPort.computeIfAbsent(p.number(), k -> new ArrayList<>()).add(new EgressTable.Rule(e.policy(), p.protocol(),
            e.hosts(), e.ipAddresses(), e.routes().restricted(), routes));
      }
    }
    Map<Integer, List<EgressTable.Rule>> frozen = new TreeMap<>();
    byPort.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    return new EgressTable(frozen);
  }

  // ---------------------------------------------------------------- access

  /**
   * This proxy's view of the access rules: which destinations it may reach (as a source) and who
   * may reach it (as a destination). Not enforced in permissive mode.
   */
  private AccessControl access() {
    if (mesh.settings().permissiveTrafficPolicyMode()) {
      return AccessControl.OPEN;
    }
    String self = identity.serviceAccount().isEmpty() ? "" : identity.namespace() + "/" + identity.serviceAccount();
    Map<String, List<Integer>> outbound = new TreeMap<>();
    Map<String, List<Integer>> inbound = new TreeMap<>();
    for (CompiledMesh.AccessRule rule : mesh.access()) {
      if (rule.sources().contains(self)) {
        merge(outbound, rule.destination(), rule.ports());
      }
      if (rule.destination().equals(self)) {
        for (String src : rule.sources()) {
          merge(inbound, src, rule.ports());
        }
      }
    }
    return new AccessControl(true, self, outbound, inbound);
  }

  /** Unions port lists; an empty list (every port) absorbs any other. */
  private static void merge(Map<String, List<Integer>> into, String key, List<Integer> ports) {
    List<Integer> have = into.get(key);
    if (have == null) {
      into.put(key, List.copyOf(ports));
    } else if (!have.isEmpty()) {
      if (ports.isEmpty()) {
        into.put(key, List.of());
      } else {
        java.util.TreeSet<Integer> u = new java.util.TreeSet<>(have);
        u.addAll(ports);
        into.put(key, List.copyOf(u));
      }
    }
  }

  // ---------------------------------------------------------------- rules

  /**
   * Appends the rules of {@code vs} that can match on this proxy at {@code port}. {@code here} is
   * the set of gateway names this listener answers to ({@code mesh} for sidecars).
   */
  private void addRules(List<CompiledRule> out, VsEntry vs, String section, List<RuleEntry> entries,
      Set<String> here, int port) {
    for (RuleEntry rule : entries) {
      boolean always = rule.match().isEmpty();
      List<CompiledRule.Condition> conditions = new ArrayList<>();
      for (MatchEntry m : rule.match()) {
        if (always) {
          break;
        }
        List<String> gateways = m.gateways().isEmpty() ? vs.gateways() : m.gateways();
        if (gateways.stream().noneMatch(here::contains)) {
          continue;
        }
        if (m.port() != 0 && m.port() != port) {
          continue;
        }
        if (!Labels.matches(m.sourceLabels(), identity.labels())) {
          continue;
        }
        if (!m.sourceNamespace().isEmpty() && !m.sourceNamespace().equals(identity.namespace())) {
          continue;
        }
        if (m.destinationSubnets().isEmpty() && m.sniHosts().isEmpty()) {
          always = true;
        } else {
          conditions.add(new CompiledRule.Condition(m.destinationSubnets(), m.sniHosts()));
        }
      }
      if (!always && conditions.isEmpty()) {
        continue;
      }
      List<Target> targets = new ArrayList<>();
      for (TargetSpec spec : rule.route()) {
        targets.add(target(spec, port));
      }
      out.add(new CompiledRule(new RuleRef(vs.namespace(), vs.name(), section, rule.index()),
          always ? List.of() : conditions, Route.of(targets)));
    }
  }

  /**
   * Resolves a destination to endpoints. The port is the written one; else the service's only
   * port; else the port the connection came in on ({@code contextPort}).
   */
  private Target target(TargetSpec spec, int contextPort) {
    ServiceEntry svc = services.get(spec.host());
    int port = spec.port();
    if (port == 0) {
      port = svc != null && svc.ports().size() == 1 ? svc.ports().get(0).port() : contextPort;
    }
    DestinationEntry dest = MeshCompiler.destinationFor(destinations, spec.host());
    UpstreamPolicy policy = dest == null ? UpstreamPolicy.DEFAULT : dest.policy();
    Map<String, String> subsetLabels = Map.of();
    boolean unknownSubset = false;
    if (!spec.subset().isEmpty()) {
      SubsetEntry subset = dest == null ? null : dest.subset(spec.subset());
      if (subset == null) {
        unknownSubset = true;
      } else {
        subsetLabels = subset.labels();
        policy = subset.policy();
      }
    }
    List<Upstream> endpoints = new ArrayList<>();
    PortEntry pe = svc == null ? null : svc.port(port);
    if (pe != null && !unknownSubset) {
      for (Endpoint e : pe.endpoints()) {
        if (Labels.matches(subsetLabels, e.labels())) {
          endpoints.add(new Upstream(e.ip(), e.port(), e.pod(), e.identity()));
        }
      }
    }
    return new Target(spec.host(), port, spec.subset(), spec.weight(), policy, endpoints);
  }
}
