package io.vxmesh.compile;

import io.vxmesh.common.Cidr;
import io.vxmesh.common.IpAddress;
import io.vxmesh.resource.Finding;
import java.util.List;
import java.util.Map;

/**
 * The mesh compiled once for every proxy: services with their endpoints, gateways, the L4 rules of
 * every VirtualService in precedence order, destination policies, mesh settings and the findings.
 * Proxy-independent and immutable; {@link #forProxy} specialises it for one proxy. {@code digest}
 * is a hash of everything else, so two meshes with equal content have equal digests.
 */
public record CompiledMesh(
    String digest,
    MeshSettings settings,
    List<ServiceEntry> services,
    List<PodEntry> pods,
    List<GatewayEntry> gateways,
    List<VsEntry> virtualServices,
    List<DestinationEntry> destinations,
    List<AccessRule> access,
    List<EgressEntry> egress,
    List<Finding> findings) {

  public CompiledMesh {
    services = List.copyOf(services);
    pods = List.copyOf(pods);
    gateways = List.copyOf(gateways);
    virtualServices = List.copyOf(virtualServices);
    destinations = List.copyOf(destinations);
    access = List.copyOf(access);
    egress = List.copyOf(egress);
    findings = List.copyOf(findings);
  }

  /** The table one proxy routes with. */
  public ProxyTable forProxy(ProxyIdentity identity, String version) {
    return new ProxySpecializer(this, identity).build(version);
  }

  public boolean hasErrors() {
    return findings.stream().anyMatch(Finding::isError);
  }

  /** OSM MeshConfig switches, with OSM-like defaults when no MeshConfig exists. */
  public record MeshSettings(
      boolean permissiveTrafficPolicyMode,
      boolean enableEgress,
      boolean enableEgressPolicy,
      String meshConfig) {

    /** No MeshConfig: permissive (like Istio's allow-all), no egress passthrough, egress policy on. */
    public static final MeshSettings DEFAULTS = new MeshSettings(true, false, true, "");
  }

  /** A Service: its fully qualified host, virtual IPs and ports with their ready endpoints. */
  public record ServiceEntry(
      String host,
      String namespace,
      String name,
      List<IpAddress> vips,
      boolean headless,
      List<PortEntry> ports) {

    public ServiceEntry {
      vips = List.copyOf(vips);
      ports = List.copyOf(ports);
    }

    public PortEntry port(int number) {
      for (PortEntry p : ports) {
        if (p.port() == number) {
          return p;
        }
      }
      return null;
    }
  }

  /** A Service port, its mesh protocol, and the endpoints (pod IP and target port) behind it. */
  public record PortEntry(int port, String name, PortProtocol protocol, List<Endpoint> endpoints) {
    public PortEntry {
      endpoints = List.copyOf(endpoints);
    }
  }

  /**
   * A ready endpoint; {@code pod} is {@code namespace/name} and {@code identity}
   * {@code namespace/serviceaccount} when the pod is known (else empty); labels are the pod's.
   */
  public record Endpoint(IpAddress ip, int port, String pod, String identity, Map<String, String> labels) {
    public Endpoint {
      labels = Map.copyOf(labels);
    }
  }

  /** A meshed pod: its addresses and identity (used to recognise sources). */
  public record PodEntry(
      String namespace,
      String name,
      String serviceAccount,
      List<IpAddress> ips,
      Map<String, String> labels) {

    public PodEntry {
      ips = List.copyOf(ips);
      labels = Map.copyOf(labels);
    }

    /** {@code namespace/serviceaccount}: who this pod is to access control. */
    public String identity() {
      return namespace + "/" + serviceAccount;
    }
  }

  /**
   * An SMI TrafficTarget, resolved: the {@code sources} may reach {@code destination} (identities
   * {@code namespace/serviceaccount}) on {@code ports} (empty = every port).
   */
  public record AccessRule(String trafficTarget, String destination, List<String> sources, List<Integer> ports) {
    public AccessRule {
      sources = List.copyOf(sources);
      ports = List.copyOf(ports);
    }
  }

  /**
   * An OSM Egress policy, resolved: the {@code sources} (identities {@code namespace/serviceaccount})
   * may reach {@code hosts} (http: Host header; https: SNI) or {@code ipAddresses} (tcp; empty = any)
   * on {@code ports}; http requests further limited by {@code routes}.
   */
  public record EgressEntry(
      String policy,
      List<String> sources,
      List<String> hosts,
      List<Cidr> ipAddresses,
      List<EgressPort> ports,
      HttpRoutes routes) {

    public EgressEntry {
      sources = List.copyOf(sources);
      hosts = List.copyOf(hosts);
      ipAddresses = List.copyOf(ipAddresses);
      ports = List.copyOf(ports);
    }
  }

  /** {@code protocol}: http, https, tcp or tcp-server-first. */
  public record EgressPort(int number, String protocol) {}

  public record GatewayEntry(String namespace, String name, Map<String, String> selector, List<ServerEntry> servers) {
    public GatewayEntry {
      selector = Map.copyOf(selector);
      servers = List.copyOf(servers);
    }

    public String qualifiedName() {
      return namespace + "/" + name;
    }
  }

  /**
   * A Gateway server vxmesh serves: {@code protocol} TCP, or TLS (passed through, routed by the
   * tls routes' SNI); {@code hosts} as written ({@code *}, {@code ns/host}, {@code host}).
   */
  public record ServerEntry(int port, String protocol, String name, List<String> hosts, String tlsMode) {
    public ServerEntry {
      hosts = List.copyOf(hosts);
      tlsMode = tlsMode == null ? "" : tlsMode;
    }

    /** TLS passed through as it is, routed by server name. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isPassthroughTls() {
      return protocol.equals("TLS") && tlsMode.equals("PASSTHROUGH");
    }

    /** A server vxmesh opens a listener for. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isServed() {
      return protocol.equals("TCP") || isPassthroughTls();
    }
  }

  /**
   * A VirtualService's tcp rules with names settled: {@code hosts} fully qualified, {@code gateways}
   * as {@code namespace/name} or {@code mesh}.
   */
  public record VsEntry(
      String namespace,
      String name,
      String source,
      List<String> hosts,
      List<String> gateways,
      List<RuleEntry> tcp,
      List<RuleEntry> tls) {

    public VsEntry {
      hosts = List.copyOf(hosts);
      gateways = List.copyOf(gateways);
      tcp = List.copyOf(tcp);
      tls = List.copyOf(tls);
    }
  }

  /** One tcp rule: match blocks (OR; none = all) and weighted targets. */
  public record RuleEntry(int index, List<MatchEntry> match, List<TargetSpec> route) {
    public RuleEntry {
      match = List.copyOf(match);
      route = List.copyOf(route);
    }
  }

  /**
   * A match block; {@code gateways} empty means "inherit the VirtualService's"; {@code sniHosts}
   * (tls rules only) the server names it matches, wildcards as {@code *.example.com}.
   */
  public record MatchEntry(
      int port,
      List<Cidr> destinationSubnets,
      Map<String, String> sourceLabels,
      String sourceNamespace,
      List<String> gateways,
      List<String> sniHosts) {

    public MatchEntry {
      destinationSubnets = List.copyOf(destinationSubnets);
      sourceLabels = Map.copyOf(sourceLabels);
      gateways = List.copyOf(gateways);
      sniHosts = List.copyOf(sniHosts);
    }
  }

  /**
   * A route destination: fully qualified host, subset ("" = all endpoints), port (0 = decided per
   * listener or connection) and weight (a single destination always gets 100).
   */
  public record TargetSpec(String host, String subset, int port, int weight) {}

  /** The DestinationRule in force for a host, with its subsets. */
  public record DestinationEntry(
      String host,
      String rule,
      UpstreamPolicy policy,
      List<SubsetEntry> subsets) {

    public DestinationEntry {
      subsets = List.copyOf(subsets);
    }

    public SubsetEntry subset(String name) {
      for (SubsetEntry s : subsets) {
        if (s.name().equals(name)) {
          return s;
        }
      }
      return null;
    }
  }

  public record SubsetEntry(String name, Map<String, String> labels, UpstreamPolicy policy) {
    public SubsetEntry {
      labels = Map.copyOf(labels);
    }
  }
}
