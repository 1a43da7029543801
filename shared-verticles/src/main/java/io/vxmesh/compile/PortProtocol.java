package io.vxmesh.compile;

import java.util.Locale;

/**
 * How the mesh treats a Service port, one rule for the whole mesh: {@code appProtocol} when set;
 * else {@code tcp-server-first} (or a name starting {@code tcp-server-first-}); else the name up to
 * its first {@code -} when that is a known protocol; else HTTP (as OSM does).
 */
public enum PortProtocol {
  TCP("tcp"),
  TCP_SERVER_FIRST("tcp-server-first"),
  HTTP("http"),
  HTTP2("http2"),
  GRPC("grpc"),
  HTTPS("https"),
  TLS("tls");

  private final String wire;

  PortProtocol(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** True for protocols relayed as opaque bytes. */
  public boolean isOpaque() {
    return this == TCP || this == TCP_SERVER_FIRST || this == HTTPS || this == TLS;
  }

  /** Parses a protocol word; null when it is not one of ours. */
  public static PortProtocol parse(String word) {
    if (word == null) {
      return null;
    }
    String w = word.trim().toLowerCase(Locale.ROOT);
    for (PortProtocol p : values()) {
      if (p.wire.equals(w)) {
        return p;
      }
    }
    return switch (w) {
      case "h2c", "kubernetes.io/h2c" -> HTTP2;
      case "kubernetes.io/ws", "kubernetes.io/wss" -> TCP;
      default -> null;
    };
  }

  /** The protocol of a Service port from its {@code appProtocol} and {@code name}. */
  public static PortProtocol of(String appProtocol, String name) {
    if (appProtocol != null && !appProtocol.isBlank()) {
      PortProtocol p = parse(appProtocol);
      return p == null ? TCP : p;
    }
    String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
    if (n.equals("tcp-server-first") || n.startsWith("tcp-server-first-")) {
      return TCP_SERVER_FIRST;
    }
    int dash = n.indexOf('-');
    PortProtocol p = parse(dash < 0 ? n : n.substring(0, dash));
    return p == null ? HTTP : p;
  }
}
