package io.vxmesh.compile;

import io.vxmesh.common.IpAddress;
import java.util.List;

/** What to do with one connection; decided once, at accept, and kept for the connection's life. */
public sealed interface Decision {

  /** Why a connection is refused; each maps to a metric label and an access-log field. */
  enum Reason {
    NO_ROUTE("no_route"),
    NO_LISTENER("no_listener"),
    UNKNOWN_PORT("unknown_port"),
    NOT_MESH("not_mesh"),
    LOOP("loop"),
    DENIED("denied"),
    NO_ENDPOINTS("no_endpoints"),
    OVERFLOW("overflow"),
    NOT_READY("not_ready");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * Send to one of the route's targets; {@code rule} is null for the default route. {@code protocol}
   * is the port's mesh protocol: for HTTP ports the client's first bytes must be an HTTP request.
   */
  record Forward(RuleRef rule, Route route, PortProtocol protocol) implements Decision {
    public Forward(RuleRef rule, Route route) {
      this(rule, route, PortProtocol.TCP);
    }
  }

  /**
   * Send to the original destination as it is. {@code identity} of the pod there, or empty;
   * {@code external}: a destination outside the mesh, allowed by egress (SMI does not apply).
   */
  record Passthrough(IpAddress ip, int port, String identity, String why, boolean external) implements Decision {
    public Passthrough(IpAddress ip, int port, String identity, String why) {
      this(ip, port, identity, why, false);
    }
  }

  /** The decision needs the TLS ClientHello: inspect the first bytes, then decide again with them. */
  record InspectTls(String why) implements Decision {}

  /**
   * An HTTP/1 egress connection to the original destination: each request is checked against the
   * http rules of the port (Host, then the HTTPRouteGroup matches); one that matches none gets 404.
   */
  record HttpEgress(IpAddress ip, int port, List<EgressTable.Rule> rules) implements Decision {
    public HttpEgress {
      rules = List.copyOf(rules);
    }

    /**
     * The rule that allows one request ({@code Egress ns/name [route]}), or null (404). {@code authority}
     * is the request's Host ({@code host} or {@code host:port}, lower-cased); a port other than this
     * connection's matches nothing; {@code header} looks a request header up by lower-case name.
     */
    public String allow(String authority, String method, String path,
        java.util.function.Function<String, String> header) {
      if (authority == null) {
        return null;
      }
      String name = authority;
      int colon = authority.lastIndexOf(':');
      if (colon > 0 && authority.indexOf(']') < colon) {
        if (!authority.substring(colon + 1).equals(Integer.toString(port))) {
          return null;
        }
        name = authority.substring(0, colon);
      }
      for (EgressTable.Rule rule : rules) {
        if (!rule.allowsHost(name) || !rule.allowsAddress(ip)) {
          continue;
        }
        EgressTable.RouteMatcher m = rule.route(method, path, header);
        if (m != null) {
          return "Egress " + rule.policy() + (rule.restricted() ? " " + m : "");
        }
      }
      return null;
    }

    /** The host part of a request's authority (what the proxy resolves and connects to). */
    public static String hostOf(String authority) {
      int colon = authority.lastIndexOf(':');
      return colon > 0 && authority.indexOf(']') < colon ? authority.substring(0, colon) : authority;
    }
  }

  /** Refuse: reset the client connection without a byte. */
  record Reject(Reason reason, String detail) implements Decision {}
}
