package io.vxmesh.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Ports for tests that choose a port before something binds it. */
public final class Ports {
  private Ports() {
  }

  /**
   * A port free now on {@code host}, picked below Linux's ephemeral range (32768-60999 by default): a
   * port the kernel hands out for port 0 can be taken again, as the local end of any outgoing
   * connection, before the process it was chosen for binds it (a cluster member started tens of
   * seconds later once failed on "Port ... is already in use").
   */
  public static int belowEphemeral(String host) throws IOException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < 200; i++) {
      int port = random.nextInt(20_000, 32_000);
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(host, port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port in 20000-32000 on " + host);
  }
}
