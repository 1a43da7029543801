package io.vxmesh.proxy;

/** Why a connection ended; each value is an access-log field and a metric label. */
public enum CloseReason {
  /** Both sides finished normally (FIN each way, or one side closed after the other). */
  COMPLETED("completed"),
  /** The client closed or reset the connection. */
  DOWNSTREAM_CLOSED("downstream_closed"),
  /** The upstream closed or reset the connection. */
  UPSTREAM_CLOSED("upstream_closed"),
  IDLE_TIMEOUT("idle_timeout"),
  CONNECT_FAILED("connect_failed"),
  CONNECT_TIMEOUT("connect_timeout"),
  NO_ROUTE("no_route"),
  NO_ENDPOINTS("no_endpoints"),
  OVERFLOW("overflow"),
  REJECTED("rejected"),
  /** Access control refused the connection, or revoked it while it was open. */
  DENIED("denied"),
  /** The connection would have looped through this proxy. */
  LOOP("loop"),
  /** The destination is not in the mesh and no egress allows it. */
  NOT_MESH("not_mesh"),
  /** The client did not send what the decision needed (a ClientHello, a request head) in time. */
  DETECTION_TIMEOUT("detection_timeout"),
  /** The client's bytes were not valid HTTP on an HTTP port: answered 400. */
  BAD_REQUEST("bad_request"),
  DOWNSTREAM_ERROR("downstream_error"),
  UPSTREAM_ERROR("upstream_error"),
  SHUTDOWN("shutdown");

  private final String label;

  CloseReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
