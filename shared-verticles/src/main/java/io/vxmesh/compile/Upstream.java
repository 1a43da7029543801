package io.vxmesh.compile;

import io.vxmesh.common.IpAddress;

/**
 * One endpoint to connect to; {@code pod} is {@code namespace/name} and {@code identity}
 * {@code namespace/serviceaccount}, or empty when not a known pod.
 */
public record Upstream(IpAddress ip, int port, String pod, String identity) {

  @Override
  public String toString() {
    return ip.v6() ? "[" + ip + "]:" + port : ip + ":" + port;
  }
}
