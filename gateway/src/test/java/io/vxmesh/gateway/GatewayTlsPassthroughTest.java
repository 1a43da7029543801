package io.vxmesh.gateway;

import static io.vxmesh.gateway.Manifests.docs;
import static io.vxmesh.gateway.Manifests.pod;
import static io.vxmesh.gateway.Manifests.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.proxy.AccessRecord;
import io.vxmesh.proxy.CloseReason;
import io.vxmesh.proxy.RandomSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS server with {@code tls.mode: PASSTHROUGH}: the gateway reads the ClientHello's server name,
 * picks the VirtualService tls route by {@code sniHosts} and relays the encrypted stream untouched;
 * a name no route matches is refused.
 */
class GatewayTlsPassthroughTest {

  @TempDir
  Path dir;

  /** A backend that records the first bytes of the first connection it gets. */
  static final class Recorder implements AutoCloseable {
    final ServerSocket socket;
    final CompletableFuture<String> first = new CompletableFuture<>();

    Recorder() throws IOException {
      socket = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"));
      Thread.ofVirtual().start(() -> {
        try (Socket s = socket.accept()) {
          byte[] buf = new byte[4096];
          InputStream in = s.getInputStream();
          int n = in.read(buf);
          first.complete(n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
          first.complete("");
        }
      });
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  Recorder a;
  Recorder b;

  @BeforeEach
  void backends() throws IOException {
    a = new Recorder();
    b = new Recorder();
  }

  @AfterEach
  void stop() throws IOException {
    a.close();
    b.close();
  }

  static void hello(int port, String sni) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, null, null);
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, sni, port, true);
      SSLParameters p = tls.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(sni)));
      tls.setSSLParameters(p);
      tls.setSoTimeout(500);
      try {
        tls.startHandshake();
      } catch (IOException expected) {
        // the backends never answer: only the ClientHello matters here
      }
    }
  }

  @Test
  void routesByServerNameAndRelaysTheClientHelloUntouched() throws Exception {
    int port = GatewayHarness.freePort("127.0.0.1");
    Files.writeString(dir.resolve("tls.yaml"), docs("""
        apiVersion: networking.istio.io/v1beta1
        kind: Gateway
        metadata: {name: tls-gw, namespace: istio-system}
        spec:
          selector: {istio: tls-gw}
          servers:
            - hosts: ['*']
              port: {name: tls, number: %d, protocol: TLS}
              tls: {mode: PASSTHROUGH}""".formatted(port), """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: by-sni, namespace: istio-system}
        spec:
          gateways: [tls-gw]
          hosts: ['*']
          tls:
            - match: [{sniHosts: [a.example.com]}]
              route: [{destination: {host: svc-a.default.svc.cluster.local}}]
            - match: [{sniHosts: ['*.b.example.com']}]
              route: [{destination: {host: svc-b.default.svc.cluster.local}}]""",
        service("svc-a", a.socket.getLocalPort()), service("svc-b", b.socket.getLocalPort()),
        pod("svc-a-1", "svc-a", "127.0.0.1"), pod("svc-b-1", "svc-b", "127.0.0.1")));
    try (GatewayHarness gw = GatewayHarness.start(dir, "127.0.0.1", "istio=tls-gw", RandomSource.seeded(1))) {
      GatewayHarness.await("ready", gw::ready);
      hello(port, "x.b.example.com");
      String atB = b.first.get(10, TimeUnit.SECONDS);
      assertTrue(atB.charAt(0) == 0x16 && atB.contains("x.b.example.com"), "the ClientHello reached svc-b as sent");
      hello(port, "a.example.com");
      assertTrue(a.first.get(10, TimeUnit.SECONDS).contains("a.example.com"));

      hello(port, "nobody.example");
      gw.awaitRecord(3); // records come in the order connections close
      AccessRecord toB = gw.log.stream().filter(r -> r.route().endsWith("tls[1]")).findFirst().orElseThrow();
      assertEquals("svc-b.default.svc.cluster.local:19000", toB.upstreamHost());
      AccessRecord refused = gw.log.stream().filter(r -> r.closeReason() == CloseReason.NO_ROUTE).findFirst()
          .orElseThrow(() -> new AssertionError("no refusal in " + gw.log));
      assertEquals(0, refused.bytesSent());
    }
  }
}
