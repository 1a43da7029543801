package io.vxmesh.compile;

/**
 * Host names as Istio resolves them: a short name is relative to the namespace of the resource
 * that wrote it; wildcards ({@code *}, {@code *.ns.svc.cluster.local}) match by suffix.
 */
public final class Hosts {
  public static final String CLUSTER_DOMAIN = "cluster.local";

  private Hosts() {}

  /** The fully qualified name of a Service. */
  public static String serviceHost(String namespace, String name) {
    return name + "." + namespace + ".svc." + CLUSTER_DOMAIN;
  }

  /**
   * Qualifies a host written in a resource of {@code namespace}, exactly as Istio does: a short name
   * (no dot) becomes {@code name.namespace.svc.cluster.local}; anything with a dot (FQDN, external
   * name, wildcard) is taken as written.
   */
  public static String qualify(String host, String namespace) {
    String h = host.trim().toLowerCase(java.util.Locale.ROOT);
    if (h.equals("*") || h.contains(".")) {
      return h;
    }
    return h + "." + namespace + ".svc." + CLUSTER_DOMAIN;
  }

  /** True when {@code pattern} (possibly a wildcard) matches the concrete or wildcard {@code host}. */
  public static boolean matches(String pattern, String host) {
    if (pattern.equals("*") || host.equals("*")) {
      return true;
    }
    if (pattern.equals(host)) {
      return true;
    }
    if (pattern.startsWith("*.")) {
      String suffix = pattern.substring(1);
      if (host.endsWith(suffix)) {
        return true;
      }
    }
    if (host.startsWith("*.")) {
      String suffix = host.substring(1);
      return pattern.endsWith(suffix);
    }
    return false;
  }

  /**
   * True when {@code pattern} (exact, {@code *.suffix} or {@code *}) matches the concrete name a
   * client sent (a Host header, a TLS server name). A name is never a pattern: one with a {@code *}
   * matches nothing.
   */
  public static boolean matchesName(String pattern, String name) {
    if (name == null || name.isEmpty() || name.indexOf('*') >= 0) {
      return false;
    }
    if (pattern.equals("*") || pattern.equals(name)) {
      return true;
    }
    return pattern.startsWith("*.") && name.endsWith(pattern.substring(1));
  }

  /** Specificity for choosing between wildcard matches: exact beats longer suffix beats shorter. */
  public static int specificity(String pattern) {
    if (pattern.equals("*")) {
      return 0;
    }
    return pattern.startsWith("*.") ? pattern.length() : 10_000 + pattern.length();
  }
}
