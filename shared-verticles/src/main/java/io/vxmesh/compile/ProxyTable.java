package io.vxmesh.compile;

import io.vxmesh.common.IpAddress;
import io.vxmesh.compile.CompiledMesh.MeshSettings;
import io.vxmesh.compile.CompiledMesh.PodEntry;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The compiled mesh specialised for one proxy: labels, namespace and gateway names already settled,
 * only per-connection facts left. Immutable; listeners read it through one reference and call
 * {@link #decide} once per connection.
 *
 * @param listeners       gateway listener ports (empty for sidecars, whose ports are fixed)
 * @param gatewayRoutes   gateway: rules per listener port
 * @param serviceRoutes   sidecar: rules per destination address and port (service VIPs, headless endpoints)
 * @param meshPods        addresses of meshed pods, to recognise in-mesh destinations and sources
 * @param access          SMI access control for this proxy (open in permissive mode)
 * @param egress          sidecar: the Egress policies naming this proxy, by port
 */
public record ProxyTable(
    String version,
    ProxyIdentity identity,
    MeshSettings settings,
    List<Listener> listeners,
    Map<Integer, RouteTable> gatewayRoutes,
    Map<IpAddress, Map<Integer, RouteTable>> serviceRoutes,
    Map<IpAddress, PodEntry> meshPods,
    AccessControl access,
    EgressTable egress) {

  public ProxyTable {
    listeners = List.copyOf(listeners);
    gatewayRoutes = Map.copyOf(gatewayRoutes);
    serviceRoutes = Map.copyOf(serviceRoutes);
    meshPods = Map.copyOf(meshPods);
  }

  /** A gateway listener: a port and the Gateway resources that declare it for this proxy. */
  public record Listener(int port, List<String> gateways) {
    public Listener {
      gateways = List.copyOf(gateways);
    }
  }

  /** An empty table: gateways listen nowhere, sidecars know no service. */
  public static ProxyTable empty(ProxyIdentity identity) {
    return new ProxyTable("", identity, MeshSettings.DEFAULTS, List.of(), Map.of(), Map.of(), Map.of(),
        AccessControl.OPEN, EgressTable.NONE);
  }

  public Decision decide(ConnectionFacts facts) {
    if (identity.role() == ProxyIdentity.Role.GATEWAY) {
      RouteTable t = gatewayRoutes.get(facts.listenerPort());
      if (t == null) {
        return new Decision.Reject(Decision.Reason.NO_LISTENER,
            "no Gateway of this proxy declares port " + facts.listenerPort());
      }
      return t.decide(facts.destination(), facts.tls());
    }
    Map<Integer, RouteTable> ports = serviceRoutes.get(facts.destination());
    if (ports != null) {
      RouteTable t = ports.get(facts.destinationPort());
      if (t == null) {
        return new Decision.Reject(Decision.Reason.UNKNOWN_PORT,
            "port " + facts.destinationPort() + " is not a port of the service at " + facts.destination());
      }
      Decision d = t.decide(facts.destination(), facts.tls());
      if (d instanceof Decision.Reject r && r.reason() == Decision.Reason.NO_ROUTE) {
        PodEntry pod = meshPods.get(facts.destination());
        return new Decision.Passthrough(facts.destination(), facts.destinationPort(),
            pod == null ? "" : pod.identity(), "headless service endpoint");
      }
      return d;
    }
    PodEntry pod = meshPods.get(facts.destination());
    if (pod != null) {
      return new Decision.Passthrough(facts.destination(), facts.destinationPort(), pod.identity(),
          "mesh pod " + pod.namespace() + "/" + pod.name());
    }
    return egress(facts);
  }

  /**
   * A destination outside the mesh: passed through as it is when the MeshConfig enables egress;
   * else allowed by this proxy's Egress policies for the port (tcp by address, https by the
   * ClientHello's server name, http per request), else refused.
   */
  private Decision egress(ConnectionFacts facts) {
    IpAddress ip = facts.destination();
    int port = facts.destinationPort();
    String where = ip + ":" + port;
    if (settings.enableEgress()) {
      return new Decision.Passthrough(ip, port, "", "egress passthrough (MeshConfig enableEgress)", true);
    }
    List<EgressTable.Rule> rules = egress.forPort(port);
    if (rules.isEmpty()) {
      return new Decision.Reject(Decision.Reason.NOT_MESH, where + " is not a mesh service, egress is off and "
          + (settings.enableEgressPolicy() ? "no Egress policy allows port " + port + " for " + self()
              : "egress policies are off (featureFlags.enableEgressPolicy)"));
    }
    List<EgressTable.Rule> http = new java.util.ArrayList<>();
    boolean https = false;
    for (EgressTable.Rule r : rules) {
      if (r.isTcp() && r.allowsAddress(ip)) {
        return new Decision.Passthrough(ip, port, "", "Egress " + r.policy() + " (" + r.protocol() + ")", true);
      }
      if (r.protocol().equals("https")) {
        https = true;
      } else if (r.protocol().equals("http")) {
        http.add(r);
      }
    }
    if (https) {
      if (facts.tls() == null) {
        return new Decision.InspectTls("Egress https port " + port + " is matched by server name");
      }
      if (facts.tls().isTls()) {
        for (EgressTable.Rule r : rules) {
          if (r.protocol().equals("https") && r.allowsHost(facts.tls().sni()) && r.allowsAddress(ip)) {
            return new Decision.Passthrough(ip, port, "", "Egress " + r.policy() + " (https, SNI "
                + facts.tls().sni() + ")", true);
          }
        }
        return new Decision.Reject(Decision.Reason.DENIED, "no Egress policy allows "
            + (facts.tls().sni() == null ? "TLS without a server name" : "server name " + facts.tls().sni())
            + " on port " + port + " for " + self());
      }
    }
    if (!http.isEmpty()) {
      return new Decision.HttpEgress(ip, port, http);
    }
    return new Decision.Reject(Decision.Reason.DENIED, "no Egress policy allows " + where + " for " + self());
  }

  private String self() {
    return identity.serviceAccount().isEmpty() ? identity.namespace() + "/<no service account>"
        : identity.namespace() + "/" + identity.serviceAccount();
  }

  /**
   * A connection that arrived at this sidecar's pod: delivered to the original destination (the
   * pod's address and port, as Istio 1.10+ does), or to loopback when {@code toLocalhost}.
   */
  public Decision decideInbound(ConnectionFacts facts, IpAddress peer, boolean toLocalhost) {
    String source = sourceIdentity(peer);
    if (!access.allowsInbound(source, facts.destinationPort())) {
      return new Decision.Reject(Decision.Reason.DENIED, (source.isEmpty() ? "unmeshed source " + peer
          : source) + " may not reach " + access.self() + " on port " + facts.destinationPort()
          + " (no TrafficTarget allows it)");
    }
    IpAddress target = toLocalhost ? IpAddress.parse(facts.destination().v6() ? "::1" : "127.0.0.1")
        : facts.destination();
    return new Decision.Passthrough(target, facts.destinationPort(), access.self(), "inbound to this pod");
  }

  /** The identity ({@code namespace/serviceaccount}) of the meshed pod at {@code ip}, or "". */
  public String sourceIdentity(IpAddress ip) {
    PodEntry p = meshPods.get(ip);
    return p == null ? "" : p.identity();
  }

  /** True when {@code ip} is an address of this proxy's own pod. */
  public boolean isSelf(IpAddress ip) {
    PodEntry p = meshPods.get(ip);
    return p != null && p.name().equals(identity.pod()) && p.namespace().equals(identity.namespace());
  }

  /** Equal routing, whatever the version: such a table is not swapped in. */
  public boolean sameRouting(ProxyTable other) {
    return other != null
        && Objects.equals(identity, other.identity)
        && settings.equals(other.settings)
        && listeners.equals(other.listeners)
        && gatewayRoutes.equals(other.gatewayRoutes)
        && serviceRoutes.equals(other.serviceRoutes)
        && meshPods.equals(other.meshPods)
        && access.equals(other.access)
        && egress.equals(other.egress);
  }
}
