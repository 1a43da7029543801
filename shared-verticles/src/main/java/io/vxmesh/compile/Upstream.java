package io.vxmesh.compile;

import io.vxmesh.common.IpAddress;

/** One endpoint to connect to; {@code pod} is {@code namespace/name} or empty. */
public record Upstream(IpAddress ip, int port, String pod) {

  @Override
  public String toString() {
    return ip.v6() ? "[" + ip + "]:" + port : ip + ":" + port;
  }
}
