package io.vxmesh.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Blocking test clients: the telnet of the seed demos. */
public final class Clients {
  private Clients() {}

  /** Connects, sends {@code line}, returns the first line answered (null when closed without one). */
  public static String sendLine(String host, int port, String line) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 5_000);
      s.setSoTimeout(5_000);
      s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      return r.readLine();
    }
  }

  /** What a refused connection looks like from the client. */
  public enum Refusal { RESET, CLOSED, ANSWERED, TIMEOUT }

  /** Connects and writes a line; says whether the proxy reset/closed it or answered. */
  public static Refusal probe(String host, int port) throws IOException {
    try (Socket s = new Socket()) {
      try {
        s.connect(new InetSocketAddress(host, port), 5_000);
      } catch (SocketException e) {
        // The reset can beat the end of a non-blocking connect: the client sees the connect fail.
        return Refusal.RESET;
      }
      s.setSoTimeout(5_000);
      try {
        s.getOutputStream().write("probe\n".getBytes(StandardCharsets.UTF_8));
        int b = s.getInputStream().read();
        return b < 0 ? Refusal.CLOSED : Refusal.ANSWERED;
      } catch (SocketTimeoutException e) {
        return Refusal.TIMEOUT;
      } catch (SocketException e) {
        return Refusal.RESET;
      }
    }
  }
}
