package io.vxmesh.load;

/** Where the driver connects: {@code host:port} (IPv6 as {@code [::1]:port}). Loopback only. */
record Target(String host, int port) {

  Target {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 1-65535");
    }
  }

  static Target parse(String text) {
    int colon = text == null ? -1 : text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has a port that is not a number");
    }
    Target t = new Target(host, port);
    t.requireLoopback();
    return t;
  }

  /** The driver only ever loads this machine: 127.0.0.0/8, ::1 or localhost. */
  void requireLoopback() {
    boolean ok = host.equals("localhost") || host.equals("::1") || host.matches("127(\\.\\d{1,3}){3}");
    if (!ok) {
      throw new IllegalArgumentException(host + " is not a loopback address: the load driver only targets"
          + " 127.0.0.0/8, ::1 or localhost");
    }
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
