package io.vxmesh.proxy;

import static io.vxmesh.proxy.HttpEgressTest.CURL;
import static io.vxmesh.proxy.HttpEgressTest.get;
import static io.vxmesh.proxy.HttpEgressTest.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP egress proxy where HTTP/1 gets tricky, against raw-socket servers that answer exactly
 * as each case needs: spoofed hosts, policy changes on open connections, clients that do not read,
 * early answers, upgrades, framing by chunks or by close, reconnects and connect failures.
 */
class HttpEgressEdgeTest {

  EgressHarness proxy;
  final List<Raw> servers = new CopyOnWriteArrayList<>();

  /** A server on {@code address:port} (port 0: any) that runs {@code conversation} per connection. */
  final class Raw implements AutoCloseable {
    final ServerSocket socket;
    final List<String> heads = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();

    Raw(String address, int port, Conversation conversation) throws IOException {
      socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
      servers.add(this);
      Thread.ofVirtual().start(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            connections.incrementAndGet();
            Thread.ofVirtual().start(() -> {
              try (s) {
                conversation.run(this, s, s.getInputStream(), s.getOutputStream());
              } catch (IOException ignored) {
                // the test decides what a closed connection means
              }
            });
          } catch (IOException closed) {
            return;
          }
        }
      });
    }

    int port() {
      return socket.getLocalPort();
    }

    /** Reads one request head (through the blank line) and records it. */
    String head(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int state = 0;
      while (state < 4) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("closed");
        }
        b.write(c);
        state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      }
      String h = b.toString(StandardCharsets.US_ASCII);
      heads.add(h);
      return h;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  interface Conversation {
    void run(Raw server, Socket s, InputStream in, OutputStream out) throws IOException;
  }

  /** Answers every request with 200 and a body naming the server, keeping the connection. */
  static Conversation named(String name) {
    return (srv, s, in, out) -> {
      while (true) {
        srv.head(in);
        byte[] body = name.getBytes(StandardCharsets.US_ASCII);
        out.write(("HTTP/1.1 200 OK\r\ncontent-length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
      }
    };
  }

  static String policy(int port, String matches) {
    return """
        kind: Egress
        apiVersion: policy.openservicemesh.io/v1alpha1
        metadata: {name: httpbin-80, namespace: curl}
        spec:
          sources: [{kind: ServiceAccount, name: curl, namespace: curl}]
          hosts: [httpbin.org]
          ports: [{number: %d, protocol: http}]
        %s""".formatted(port, matches);
  }

  static String routes(String... paths) {
    StringBuilder g = new StringBuilder("""
        apiVersion: specs.smi-spec.io/v1alpha4
        kind: HTTPRouteGroup
        metadata: {name: routes, namespace: curl}
        spec:
          matches:
        """);
    for (int i = 0; i < paths.length; i++) {
      g.append("  - {name: m").append(i).append(", pathRegex: \"").append(paths[i]).append("\"}\n");
    }
    return g + "---\n";
  }

  static final String RESTRICTED = "  matches: [{kind: HTTPRouteGroup, name: routes}]\n";

  Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", proxy.port), 5_000);
    s.setSoTimeout(5_000);
    return s;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      System.out.println("access log: " + proxy.log);
      proxy.close();
    }
    for (Raw r : servers) {
      r.close();
    }
  }

  @Test
  void anAllowedHostGoesWhereTheProxyResolvesItNotWhereTheClientConnected() throws Exception {
    Raw httpbin = new Raw("127.0.0.1", 0, named("httpbin"));
    Raw internal = new Raw("127.0.0.2", httpbin.port(), named("internal"));
    // The client connected to 127.0.0.2 (say, a metadata service) with "Host: httpbin.org".
    proxy = new EgressHarness(CURL, "127.0.0.2", httpbin.port(), policy(httpbin.port(), ""), "127.0.0.1 httpbin.org\n");
    try (Socket s = connect()) {
      s.getOutputStream().write(ascii(get("/get", "httpbin.org")));
      assertEquals("httpbin", read(s.getInputStream(), false).body());
    }
    assertEquals(0, internal.connections.get(), "nothing reached the address the client named");
  }

  @Test
  void anAbsoluteTargetNamingAnotherHostThanTheHostHeaderIs400() throws Exception {
    Raw httpbin = new Raw("127.0.0.1", 0, named("httpbin"));
    proxy = new EgressHarness(CURL, httpbin.port(), policy(httpbin.port(), ""));
    try (Socket s = connect()) {
      s.getOutputStream().write(ascii("GET http://httpbin.org/get HTTP/1.1\r\nHost: forbidden.example\r\n\r\n"));
      assertEquals(400, read(s.getInputStream(), false).code());
    }
    assertEquals(List.of(), httpbin.heads);
  }

  @Test
  void aWildcardHostIsNotANameAnyRuleAllows() throws Exception {
    Raw httpbin = new Raw("127.0.0.1", 0, named("httpbin"));
    proxy = new EgressHarness(CURL, httpbin.port(),
        policy(httpbin.port(), "").replace("hosts: [httpbin.org]", "hosts: ['*.org']"));
    try (Socket s = connect()) {
      s.getOutputStream().write(ascii(get("/get", "*")));
      assertEquals(404, read(s.getInputStream(), false).code());
      s.getOutputStream().write(ascii(get("/get", "*.org")));
      assertEquals(404, read(s.getInputStream(), false).code());
    }
    assertEquals(List.of(), httpbin.heads);
  }

  @Test
  void policyChangesApplyToTheNextRequestOfAnOpenConnection() throws Exception {
    Raw httpbin = new Raw("127.0.0.1", 0, named("httpbin"));
    proxy = new EgressHarness(CURL, httpbin.port(), routes("/get") + policy(httpbin.port(), RESTRICTED));
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(ascii(get("/status/200", "httpbin.org")));
      assertEquals(404, read(s.getInputStream(), false).code());
      proxy.apply(routes("/get", "/status.*") + policy(httpbin.port(), RESTRICTED));
      out.write(ascii(get("/status/200", "httpbin.org")));
      assertEquals(200, read(s.getInputStream(), false).code(), "the added route applies on the open connection");
      proxy.apply("");
      out.write(ascii(get("/get", "httpbin.org")));
      assertEquals(-1, s.getInputStream().read(), "the policy is gone: the connection is closed, nothing answered");
    }
    assertEquals(CloseReason.DENIED, proxy.awaitRecord(1).closeReason());
  }

  @Test
  void refusedRequestsAreNotReadWhileTheClientDoesNotReadTheir404s() throws Exception {
    Raw httpbin = new Raw("127.0.0.1", 0, named("httpbin"));
    proxy = new EgressHarness(CURL, httpbin.port(), policy(httpbin.port(), ""));
    // Small requests, so that their 404s weigh about as much as they do: without back-pressure the
    // proxy reads on for ever; with it, the client's writes stall once the buffers on the way are full.
    byte[] one = ascii("GET /x HTTP/1.1\r\nHost: refused.example\r\n\r\n");
    byte[] batch = new byte[one.length * 256];
    for (int i = 0; i < 256; i++) {
      System.arraycopy(one, 0, batch, i * one.length, one.length);
    }
    long limit = 256L << 20;
    AtomicLong written = new AtomicLong();
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(new InetSocketAddress("127.0.0.1", proxy.port), 5_000);
      Thread w = Thread.ofVirtual().start(() -> {
        try {
          OutputStream out = s.getOutputStream();
          while (written.get() < limit) {
            out.write(batch);
            written.addAndGet(batch.length);
          }
        } catch (IOException ignored) {
          // closed at the end of the test
        }
      });
      long deadline = System.nanoTime() + 30_000_000_000L;
      long last = -1;
      long stalledSince = System.nanoTime();
      while (true) {
        long now = written.get();
        if (now >= limit) {
          fail("the client wrote " + (now >> 20) + " MiB of requests without reading a 404");
        }
        if (now != last) {
          last = now;
          stalledSince = System.nanoTime();
        } else if (System.nanoTime() - stalledSince > 1_000_000_000L) {
          break; // the client's writes have stalled: the proxy stopped reading
        }
        if (System.nanoTime() > deadline) {
          fail("the client's writes never stalled (" + (now >> 20) + " MiB so far)");
        }
        Thread.sleep(50);
      }
      assertTrue(last < (64L << 20), "stalled, but only after " + (last >> 20) + " MiB");
      w.interrupt();
    }
  }

  @Test
  void anAnswerBeforeTheBodyEndsClosesTheConnectionSoTheRestIsNeverARequest() throws Exception {
    Raw server = new Raw("127.0.0.1", 0, (srv, s, in, out) -> {
      srv.head(in);
      out.write(ascii("HTTP/1.1 417 Expectation Failed\r\ncontent-length: 0\r\n\r\n"));
      out.flush();
      while (in.read() >= 0) {
        // a lenient server would take what follows as a new request
      }
    });
    proxy = new EgressHarness(CURL, server.port(), policy(server.port(), ""));
    try (Socket s = connect()) {
      s.getOutputStream().write(ascii("POST /upload HTTP/1.1\r\nHost: httpbin.org\r\nContent-Length: 1000\r\n"
          + "Expect: 100-continue\r\n\r\n"));
      assertEquals(417, read(s.getInputStream(), false).code());
      assertEquals(-1, s.getInputStream().read(), "closed after the early answer");
    }
  }

  @Test
  void aWebSocketStyleUpgradeBecomesAnOpaqueRelay() throws Exception {
    Raw server = new Raw("127.0.0.1", 0, (srv, s, in, out) -> {
      srv.head(in);
      out.write(ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\nready\n"));
      out.flush();
      in.transferTo(out);
    });
    proxy = new EgressHarness(CURL, server.port(), policy(server.port(), ""));
    try (Socket s = connect()) {
      s.getOutputStream().write(ascii("GET /ws HTTP/1.1\r\nHost: httpbin.org\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n"
          + "early bytes\n"));
      InputStream in = s.getInputStream();
      assertEquals("HTTP/1.1 101 Switching Protocols", HttpEgressTest.line(in));
      while (!HttpEgressTest.line(in).isEmpty()) {
        // headers
      }
      assertEquals("ready", HttpEgressTest.line(in));
      assertEquals("early bytes", HttpEgressTest.line(in));
      s.getOutputStream().write(ascii("not http at all\n"));
      assertEquals("not http at all", HttpEgressTest.line(in));
      s.shutdownOutput();
      assertEquals(-1, in.read(), "half-close passed on after the upgrade");
    }
    AccessRecord rec = proxy.awaitRecord(1);
    assertTrue(rec.detail().contains("upgraded (101)"), rec.detail());
  }

  @Test
  void chunkedAndUntilCloseResponsesAreFramedRight() throws Exception {
    Raw server = new Raw("127.0.0.1", 0, (srv, s, in, out) -> {
      srv.head(in);
      out.write(ascii("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
      srv.head(in);
      out.write(ascii("HTTP/1.1 204 No Content\r\n\r\n"));
      srv.head(in);
      out.write(ascii("HTTP/1.0 200 OK\r\n\r\nuntil the end"));
      out.flush();
    });
    proxy = new EgressHarness(CURL, server.port(), policy(server.port(), ""));
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(ascii(get("/a", "httpbin.org")));
      assertEquals("HTTP/1.1 200 OK", HttpEgressTest.line(in));
      assertEquals("transfer-encoding: chunked", HttpEgressTest.line(in));
      assertEquals("", HttpEgressTest.line(in));
      assertEquals("5", HttpEgressTest.line(in));
      assertEquals("hello", HttpEgressTest.line(in));
      assertEquals("0", HttpEgressTest.line(in));
      assertEquals("", HttpEgressTest.line(in));
      out.write(ascii(get("/b", "httpbin.org")));
      assertEquals(204, read(in, true).code());
      out.write(ascii(get("/c", "httpbin.org")));
      assertEquals("HTTP/1.0 200 OK", HttpEgressTest.line(in));
      assertEquals("", HttpEgressTest.line(in));
      assertEquals("until the end", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    }
    assertEquals(CloseReason.COMPLETED, proxy.awaitRecord(1).closeReason());
  }

  @Test
  void aServerClosingBetweenRequestsIsReconnectedAndAClientFinWaitsForTheAnswer() throws Exception {
    // (see the comment below)
    Raw server = new Raw("127.0.0.1", 0, (srv, s, in, out) -> {
      srv.head(in);
      out.write(ascii("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"));
      out.flush(); // and close: a server that serves one request per connection
    });
    proxy = new EgressHarness(CURL, server.port(), policy(server.port(), ""));
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(ascii(get("/1", "httpbin.org")));
      assertEquals("ok", read(s.getInputStream(), false).body());
      // Whether or not the server's close has reached the proxy yet, the next request is served: on a
      // reused connection that closes before any byte of the answer, a request without a body is
      // sent again on a new connection.
      out.write(ascii(get("/2", "httpbin.org")));
      s.shutdownOutput();
      assertEquals("ok", read(s.getInputStream(), false).body());
      assertEquals(-1, s.getInputStream().read());
    }
    assertEquals(2, server.connections.get());
  }

  @Test
  void aHostNobodyListensOnGets502() throws Exception {
    int closed;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = probe.getLocalPort();
    }
    proxy = new EgressHarness(CURL, closed, policy(closed, ""));
    try (Socket s = connect()) {
      s.getOutputStream().write(ascii(get("/get", "httpbin.org")));
      assertEquals(502, read(s.getInputStream(), false).code());
    }
    AccessRecord rec = proxy.awaitRecord(1);
    assertEquals(CloseReason.UPSTREAM_ERROR, rec.closeReason());
    assertTrue(rec.detail().contains("cannot connect"), rec.detail());
  }
}
