package io.vxmesh.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.compile.ProxyIdentity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * https egress through real sockets: the sidecar reads the ClientHello without consuming it, matches
 * its server name against the Egress hosts, and relays the untouched TLS stream to the original
 * destination; another name, or a client that sends nothing, is refused without a byte through.
 */
class TlsEgressTest {

  static final ProxyIdentity CURL = ProxyIdentity.sidecar("curl", "curl-1", "curl", Map.of("app", "curl"));

  ServerSocket server;
  final CompletableFuture<byte[]> received = new CompletableFuture<>();
  EgressHarness proxy;

  @BeforeEach
  void server() throws Exception {
    server = new ServerSocket(0, 16, InetAddress.getByName("127.0.0.1"));
    Thread.ofVirtual().start(() -> {
      try (Socket s = server.accept()) {
        s.setSoTimeout(3_000);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
          for (int n = in.read(buf); n > 0; n = in.read(buf)) {
            b.write(buf, 0, n);
            if (b.size() >= 5) {
              received.complete(b.toByteArray()); // the first TLS record reached the destination
            }
          }
        } catch (IOException timeout) {
          // the client waits for a ServerHello that never comes
        }
        received.complete(b.toByteArray());
      } catch (IOException closed) {
        received.complete(new byte[0]);
      }
    });
    proxy = new EgressHarness(CURL, server.getLocalPort(), """
        kind: Egress
        apiVersion: policy.openservicemesh.io/v1alpha1
        metadata: {name: httpbin-443, namespace: curl}
        spec:
          sources: [{kind: ServiceAccount, name: curl, namespace: curl}]
          hosts: [httpbin.org]
          ports: [{number: %d, protocol: https}]
        """.formatted(server.getLocalPort()));
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    server.close();
  }

  /** Starts a TLS handshake naming {@code sni} through the proxy; returns what the client saw. */
  String handshake(String sni) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, null, null);
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress("127.0.0.1", proxy.port), 5_000);
      SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, sni, proxy.port, true);
      SSLParameters p = tls.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(sni)));
      tls.setSSLParameters(p);
      tls.setSoTimeout(1_000);
      try {
        tls.startHandshake();
        return "handshake completed";
      } catch (IOException e) {
        return e.getClass().getSimpleName();
      }
    }
  }

  @Test
  void anAllowedServerNameIsRelayedUntouched() throws Exception {
    handshake("httpbin.org");
    byte[] first = received.get(10, TimeUnit.SECONDS);
    assertTrue(first.length > 5 && first[0] == 0x16, "a TLS handshake record reached the destination");
    assertTrue(new String(first, StandardCharsets.ISO_8859_1).contains("httpbin.org"), "the ClientHello, as sent");
    AccessRecord rec = proxy.awaitRecord(1);
    assertEquals("Egress curl/httpbin-443 (https, SNI httpbin.org)", rec.route());
  }

  @Test
  void anotherServerNameIsRefusedAndNothingReachesTheDestination() throws Exception {
    handshake("openservicemesh.io");
    AccessRecord rec = proxy.awaitRecord(1);
    assertEquals(CloseReason.DENIED, rec.closeReason());
    assertTrue(rec.detail().contains("server name openservicemesh.io"), rec.detail());
    assertEquals(0, rec.bytesSent());
    server.close(); // no connection ever came: accept() fails
    assertEquals(0, received.get(10, TimeUnit.SECONDS).length);
  }

  @Test
  void aClientThatSendsNothingIsClosedAfterTheDetectionTimeout() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", proxy.port), 5_000);
      s.setSoTimeout(10_000);
      long start = System.nanoTime();
      int b;
      try {
        b = s.getInputStream().read();
      } catch (java.net.SocketException reset) {
        b = -1;
      }
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(-1, b);
      assertTrue(waited >= Inspection.DEFAULT_TIMEOUT_MS - 200, "closed after " + waited + " ms");
    }
    assertEquals(CloseReason.DETECTION_TIMEOUT, proxy.awaitRecord(1).closeReason());
  }
}
