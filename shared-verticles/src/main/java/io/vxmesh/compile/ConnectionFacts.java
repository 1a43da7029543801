package io.vxmesh.compile;

import io.vxmesh.common.IpAddress;

/**
 * What the data path knows of a connection when it decides: the port it was accepted on, the
 * destination (gateway: its own address and port; sidecar: the original destination) and, once the
 * first bytes were inspected because a decision needed them, what the TLS ClientHello said
 * ({@code tls} null = not inspected).
 */
public record ConnectionFacts(int listenerPort, IpAddress destination, int destinationPort, Tls tls) {

  public ConnectionFacts(int listenerPort, IpAddress destination, int destinationPort) {
    this(listenerPort, destination, destinationPort, null);
  }

  /** The first bytes: a TLS ClientHello (with its server name, null when it sent none), or not TLS. */
  public record Tls(boolean isTls, String sni) {
    public static final Tls NOT_TLS = new Tls(false, null);

    public static Tls hello(String sni) {
      return new Tls(true, sni);
    }
  }

  public ConnectionFacts withTls(Tls inspected) {
    return new ConnectionFacts(listenerPort, destination, destinationPort, inspected);
  }
}
