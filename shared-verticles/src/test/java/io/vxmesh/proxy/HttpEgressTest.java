package io.vxmesh.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vxmesh.compile.ProxyIdentity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sidecar's HTTP egress proxy through real sockets: an httpbin-like server stands for the
 * external host, the connection is decided and served by the session code with OSM Egress
 * policies compiled from manifests. Requests are written byte for byte.
 */
class HttpEgressTest {

  HttpServer backend;
  int backendPort;
  final AtomicInteger backendConnections = new AtomicInteger();
  EgressHarness proxy;

  static final ProxyIdentity CURL = ProxyIdentity.sidecar("curl", "curl-54ccc6954c-9rlvp", "curl", Map.of("app", "curl"));

  @BeforeEach
  void backend() throws IOException {
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    backend.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      byte[] body = ex.getRequestBody().readAllBytes();
      int status = 200;
      String text = "{\"url\": \"" + path + "\", \"received\": " + body.length + "}";
      if (path.startsWith("/status/")) {
        status = Integer.parseInt(path.substring("/status/".length()));
        text = "";
      } else if (!path.equals("/get") && !path.equals("/post")) {
        status = 404;
        text = "";
      }
      byte[] out = text.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("content-type", "application/json");
      if (ex.getRequestMethod().equals("HEAD") || out.length == 0) {
        ex.sendResponseHeaders(status, -1);
      } else {
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
      }
      ex.close();
    });
    backend.start();
    backendPort = backend.getAddress().getPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      System.out.println("access log: " + proxy.log);
      proxy.close();
    }
    backend.stop(0);
  }

  String policy(boolean restricted, String... paths) {
    StringBuilder groups = new StringBuilder();
    if (restricted) {
      groups.append("""
          apiVersion: specs.smi-spec.io/v1alpha4
          kind: HTTPRouteGroup
          metadata: {name: egress-http-route, namespace: curl}
          spec:
            matches:
          """);
      for (int i = 0; i < paths.length; i++) {
        groups.append("    - {name: m").append(i).append(", pathRegex: \"").append(paths[i]).append("\"}\n");
      }
      groups.append("---\n");
    }
    return groups + """
        kind: Egress
        apiVersion: policy.openservicemesh.io/v1alpha1
        metadata: {name: httpbin-80, namespace: curl}
        spec:
          sources: [{kind: ServiceAccount, name: curl, namespace: curl}]
          hosts: [httpbin.org]
          ports: [{number: %d, protocol: http}]
        %s""".formatted(backendPort, restricted
        ? "  matches: [{apiGroup: specs.smi-spec.io/v1alpha4, kind: HTTPRouteGroup, name: egress-http-route}]\n" : "");
  }

  /** A response as read off the wire: status line, headers (lower-case names), body. */
  record Response(String status, Map<String, String> headers, String body) {
    int code() {
      return Integer.parseInt(status.split(" ")[1]);
    }
  }

  static Response read(InputStream in, boolean head) throws IOException {
    String status = line(in);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(in); !l.isEmpty(); l = line(in)) {
      int c = l.indexOf(':');
      headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
    }
    int length = head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed mid-line: " + b);
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  static String get(String path, String host) {
    return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: test\r\n\r\n";
  }

  Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", proxy.port), 5_000);
    s.setSoTimeout(5_000);
    return s;
  }

  @Test
  void allowedHostIsForwardedAndTheConnectionKeptAlive() throws Exception {
    proxy = new EgressHarness(CURL, backendPort, policy(false));
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(get("/get", "httpbin.org").getBytes(StandardCharsets.US_ASCII));
      Response r1 = read(s.getInputStream(), false);
      assertEquals(200, r1.code(), r1.toString());
      assertTrue(r1.body().contains("\"url\": \"/get\""), r1.body());
      // host:port naming this port is the same host
      out.write(get("/status/204", "httpbin.org:" + backendPort).getBytes(StandardCharsets.US_ASCII));
      assertEquals(204, read(s.getInputStream(), false).code());
      out.write(("HEAD /get HTTP/1.1\r\nHost: HTTPBIN.org\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      Response head = read(s.getInputStream(), true);
      assertEquals(200, head.code());
      out.write(get("/get", "httpbin.org").getBytes(StandardCharsets.US_ASCII));
      assertEquals(200, read(s.getInputStream(), false).code(), "after HEAD the next response is read right");
    }
    AccessRecord rec = proxy.awaitRecord(1);
    assertEquals("Egress curl/httpbin-80", rec.route());
    assertEquals("httpbin.org", rec.upstreamHost());
    assertTrue(rec.detail().startsWith("4 requests"), rec.detail());
  }

  @Test
  void otherHostsAndOtherPortsGet404OnTheSameConnection() throws Exception {
    proxy = new EgressHarness(CURL, backendPort, policy(false));
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(get("/get", "example.com").getBytes(StandardCharsets.US_ASCII));
      Response r = read(s.getInputStream(), false);
      assertEquals("HTTP/1.1 404 Not Found", r.status());
      out.write(get("/get", "httpbin.org:8080").getBytes(StandardCharsets.US_ASCII));
      assertEquals(404, read(s.getInputStream(), false).code(), "host:port for another port");
      out.write(get("/get", "httpbin.org").getBytes(StandardCharsets.US_ASCII));
      assertEquals(200, read(s.getInputStream(), false).code(), "the connection still serves allowed requests");
    }
    assertTrue(proxy.awaitRecord(1).detail().contains("3 requests, 2 refused (404)"), proxy.log.toString());
  }

  @Test
  void httpRouteGroupMatchesPathsAndAChangeAppliesToTheNextRequest() throws Exception {
    proxy = new EgressHarness(CURL, backendPort, policy(true, "/get"));
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(get("/get?x=1", "httpbin.org").getBytes(StandardCharsets.US_ASCII));
      assertEquals(200, read(s.getInputStream(), false).code(), "the query is not part of the path match");
      out.write(get("/get/more", "httpbin.org").getBytes(StandardCharsets.US_ASCII));
      assertEquals(404, read(s.getInputStream(), false).code(), "pathRegex matches the whole path");
      out.write(get("/status/200", "httpbin.org").getBytes(StandardCharsets.US_ASCII));
      assertEquals(404, read(s.getInputStream(), false).code());
    }
    // The seed: adding /status.* to the group lets /status/200 through on the next connection.
    proxy.apply(policy(true, "/get", "/status.*"));
    try (Socket s = connect()) {
      s.getOutputStream().write(get("/status/200", "httpbin.org").getBytes(StandardCharsets.US_ASCII));
      assertEquals(200, read(s.getInputStream(), false).code());
    }
  }

  @Test
  void requestBodiesAreForwardedWhateverTheirFraming() throws Exception {
    proxy = new EgressHarness(CURL, backendPort, policy(false));
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      byte[] big = new byte[300_000];
      java.util.Arrays.fill(big, (byte) 'x');
      out.write(("POST /post HTTP/1.1\r\nHost: httpbin.org\r\nContent-Length: " + big.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(big);
      Response r = read(s.getInputStream(), false);
      assertTrue(r.body().contains("\"received\": 300000"), r.body());
      out.write(("POST /post HTTP/1.1\r\nHost: httpbin.org\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      r = read(s.getInputStream(), false);
      assertTrue(r.body().contains("\"received\": 11"), r.body());
      // A refused request's body is skipped, and the connection goes on.
      out.write(("POST /post HTTP/1.1\r\nHost: nope.example\r\nContent-Length: 4\r\n\r\nabcd")
          .getBytes(StandardCharsets.US_ASCII));
      assertEquals(404, read(s.getInputStream(), false).code());
      out.write(get("/get", "httpbin.org").getBytes(StandardCharsets.US_ASCII));
      assertEquals(200, read(s.getInputStream(), false).code());
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    proxy = new EgressHarness(CURL, backendPort, policy(false));
    try (Socket s = connect()) {
      s.getOutputStream().write((get("/status/201", "httpbin.org") + get("/get", "other.example")
          + get("/status/202", "httpbin.org")).getBytes(StandardCharsets.US_ASCII));
      assertEquals(201, read(s.getInputStream(), false).code());
      assertEquals(404, read(s.getInputStream(), false).code());
      assertEquals(202, read(s.getInputStream(), false).code());
    }
  }

  @Test
  void rawBytesGet400AndTheConnectionCloses() throws Exception {
    proxy = new EgressHarness(CURL, backendPort, policy(false));
    try (Socket s = connect()) {
      s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
      Response r = read(s.getInputStream(), false);
      assertEquals("HTTP/1.1 400 Bad Request", r.status());
      assertEquals(-1, s.getInputStream().read(), "closed after the 400");
    }
    assertEquals(CloseReason.BAD_REQUEST, proxy.awaitRecord(1).closeReason());
  }

  @Test
  void withoutAPolicyTheConnectionIsResetWithoutAByte() throws Exception {
    proxy = new EgressHarness(CURL, backendPort, "");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", proxy.port), 5_000);
      s.setSoTimeout(5_000);
      int b;
      try {
        s.getOutputStream().write(get("/get", "httpbin.org").getBytes(StandardCharsets.US_ASCII));
        b = s.getInputStream().read();
      } catch (java.net.SocketException reset) {
        b = -2;
      }
      assertTrue(b == -1 || b == -2, "no byte from the destination");
    } catch (java.net.SocketException resetDuringConnect) {
      // the reset beat the end of connect: also "no byte"
    }
    AccessRecord rec = proxy.awaitRecord(1);
    assertEquals(CloseReason.NOT_MESH, rec.closeReason());
    assertEquals(0, rec.bytesSent());
  }
}
