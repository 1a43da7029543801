package io.vxmesh.compile;

import io.vxmesh.common.Cidr;
import io.vxmesh.common.IpAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The OSM Egress policies that apply to one sidecar (its service account is among their sources),
 * by destination port. Empty when egress policies are off or none names this proxy.
 */
public record EgressTable(Map<Integer, List<Rule>> byPort) {

  public static final EgressTable NONE = new EgressTable(Map.of());

  public EgressTable {
    byPort = Map.copyOf(byPort);
  }

  public List<Rule> forPort(int port) {
    return byPort.getOrDefault(port, List.of());
  }

  /** One port of one Egress policy. {@code protocol}: http, https, tcp or tcp-server-first. */
  public record Rule(String policy, String protocol, List<String> hosts, List<Cidr> ipAddresses,
                     boolean restricted, List<RouteMatcher> routes) {
    public Rule {
      hosts = List.copyOf(hosts);
      ipAddresses = List.copyOf(ipAddresses);
      routes = List.copyOf(routes);
    }

    public boolean isTcp() {
      return protocol.equals("tcp") || protocol.equals("tcp-server-first");
    }

    /** tcp rules: no address blocks means any address on the port. */
    public boolean allowsAddress(IpAddress ip) {
      if (ipAddresses.isEmpty()) {
        return true;
      }
      for (Cidr c : ipAddresses) {
        if (c.contains(ip)) {
          return true;
        }
      }
      return false;
    }

    /** https rules: the ClientHello's server name; http rules: the Host header without a port. */
    public boolean allowsHost(String host) {
      if (host == null || host.isEmpty()) {
        return false;
      }
      String h = host.toLowerCase(Locale.ROOT);
      for (String pattern : hosts) {
        if (Hosts.matchesName(pattern, h)) {
          return true;
        }
      }
      return false;
    }

    /** The route allowing a request, or null; {@link RouteMatcher#ANY} when the rule is not restricted. */
    public RouteMatcher route(String method, String path, Function<String, String> header) {
      if (!restricted) {
        return RouteMatcher.ANY;
      }
      for (RouteMatcher m : routes) {
        if (m.matches(method, path, header)) {
          return m;
        }
      }
      return null;
    }
  }

  /**
   * An {@link HttpRoutes.HttpRoute} with its regular expressions compiled once per table. Equality
   * is the route's, so that equal tables compare equal.
   */
  public static final class RouteMatcher {
    static final RouteMatcher ANY = new RouteMatcher(new HttpRoutes.HttpRoute("", "*", "", List.of(), Map.of()));

    private final HttpRoutes.HttpRoute route;
    private final Pattern path;
    private final Map<String, Pattern> headers;

    RouteMatcher(HttpRoutes.HttpRoute route) {
      this.route = route;
      this.path = route.pathRegex().isEmpty() ? null : Pattern.compile(route.pathRegex());
      java.util.Map<String, Pattern> h = new java.util.TreeMap<>();
      route.headers().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), Pattern.compile(v)));
      this.headers = Map.copyOf(h);
    }

    public HttpRoutes.HttpRoute route() {
      return route;
    }

    /** {@code header} looks a request header up by lower-case name (null when absent). */
    public boolean matches(String method, String pathWithoutQuery, Function<String, String> header) {
      if (!route.methods().isEmpty() && !route.methods().contains("*") && !route.methods().contains(method)) {
        return false;
      }
      if (path != null && !path.matcher(pathWithoutQuery).matches()) {
        return false;
      }
      for (Map.Entry<String, Pattern> e : headers.entrySet()) {
        String v = header.apply(e.getKey());
        if (v == null || !e.getValue().matcher(v).matches()) {
          return false;
        }
      }
      return true;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RouteMatcher m && m.route.equals(route);
    }

    @Override
    public int hashCode() {
      return Objects.hash(route);
    }

    @Override
    public String toString() {
      return route.describe();
    }
  }
}
