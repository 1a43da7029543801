package io.vxmesh.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend for tests, on plain blocking sockets (so that the code under test is the only Vert.x
 * in the path): {@link Mode#LINES} answers every line with {@code "<prefix> <line>"} like
 * istio/tcp-echo-server; {@link Mode#RAW} echoes bytes and shuts its output when the client does;
 * {@link Mode#BANNER} writes its prefix first, then echoes lines.
 */
public final class EchoServer implements AutoCloseable {

  public enum Mode { LINES, RAW, BANNER }

  private final ServerSocket server;
  private final String prefix;
  private final Mode mode;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread acceptor;

  private EchoServer(String host, int port, String prefix, Mode mode) throws IOException {
    this.server = new ServerSocket();
    this.server.setReuseAddress(true);
    this.server.bind(new InetSocketAddress(InetAddress.getByName(host), port), 256);
    this.prefix = prefix;
    this.mode = mode;
    this.acceptor = Thread.ofVirtual().start(this::acceptLoop);
  }

  public static EchoServer lines(String host, String prefix) throws IOException {
    return new EchoServer(host, 0, prefix, Mode.LINES);
  }

  public static EchoServer lines(String host, int port, String prefix) throws IOException {
    return new EchoServer(host, port, prefix, Mode.LINES);
  }

  public static EchoServer raw(String host) throws IOException {
    return new EchoServer(host, 0, "", Mode.RAW);
  }

  public static EchoServer banner(String host, String banner) throws IOException {
    return new EchoServer(host, 0, banner, Mode.BANNER);
  }

  public int port() {
    return server.getLocalPort();
  }

  public String host() {
    return server.getInetAddress().getHostAddress();
  }

  public int accepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        accepted.incrementAndGet();
        open.add(s);
        Thread.ofVirtual().start(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      switch (mode) {
        case RAW -> {
          byte[] buf = new byte[64 * 1024];
          int n;
          while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
          }
          s.shutdownOutput();
          // wait for the client to close, so that half-close is observable end to end
          while (in.read() >= 0) {
            // drain
          }
        }
        case LINES, BANNER -> {
          if (mode == Mode.BANNER) {
            out.write((prefix + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
          }
          BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
          String line;
          while ((line = r.readLine()) != null) {
            out.write((prefix + " " + line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
          }
        }
      }
    } catch (IOException ignored) {
      // client went away
    } finally {
      open.remove(s);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
    acceptor.interrupt();
  }
}
