package io.vxmesh.compile;

import io.vxmesh.common.IpAddress;

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

  /** Send to one of the route's targets; {@code rule} is null for the default route. */
  record Forward(RuleRef rule, Route route) implements Decision {}

  /** Send to the original destination as it is; {@code identity} of the pod there, or empty. */
  record Passthrough(IpAddress ip, int port, String identity, String why) implements Decision {}

  /** Refuse: reset the client connection without a byte. */
  record Reject(Reason reason, String detail) implements Decision {}
}
