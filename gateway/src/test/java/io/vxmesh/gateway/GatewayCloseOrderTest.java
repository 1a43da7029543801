package io.vxmesh.gateway;

import static io.vxmesh.gateway.Manifests.docs;
import static io.vxmesh.gateway.Manifests.gateway;
import static io.vxmesh.gateway.Manifests.pod;
import static io.vxmesh.gateway.Manifests.route;
import static io.vxmesh.gateway.Manifests.service;
import static io.vxmesh.gateway.Manifests.virtualService;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vxmesh.proxy.AccessRecord;
import io.vxmesh.proxy.CloseReason;
import io.vxmesh.proxy.RandomSource;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upstream finishes first (a server-first protocol that says its piece and half-closes): the
 * client must get every byte and the FIN, may still send afterwards, and those bytes must reach the
 * upstream before the connection ends. The relay closes both channels when the second FIN arrives
 * (here the client's), so this covers the other close order than the echo tests.
 */
class GatewayCloseOrderTest {
  static final byte[] GREETING = "220 server speaks first\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir
  Path dir;

  ServerSocket upstream;
  GatewayHarness gw;
  int port;
  CompletableFuture<byte[]> upstreamReceived;

  @BeforeEach
  void start() throws Exception {
    upstream = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    upstreamReceived = CompletableFuture.supplyAsync(() -> {
      try (Socket s = upstream.accept()) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(GREETING);
        s.shutdownOutput();
        return s.getInputStream().readAllBytes();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    port = GatewayHarness.freePort("127.0.0.1");
    Files.writeString(dir.resolve("all.yaml"), docs(gateway("gw", "istio: gw", port),
        virtualService("vs", "gw", route("first")), service("first", upstream.getLocalPort()),
        pod("first-1", "first", "127.0.0.1")));
    gw = GatewayHarness.start(dir, "127.0.0.1", "istio=gw", RandomSource.seeded(1));
    GatewayHarness.await("ready", gw::ready);
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
    upstream.close();
  }

  @Test
  void upstreamFinFirstThenClientBytesStillArrive() throws Exception {
    byte[] late = "QUIT after the server's FIN\n".getBytes(StandardCharsets.US_ASCII);
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      assertArrayEquals(GREETING, in.readAllBytes(), "the greeting, then the upstream's FIN");
      s.getOutputStream().write(late);
      s.shutdownOutput();
      assertArrayEquals(late, upstreamReceived.get(10, TimeUnit.SECONDS), "bytes sent after the upstream's FIN");
    }
    AccessRecord r = gw.awaitRecord(1);
    assertEquals(CloseReason.COMPLETED, r.closeReason());
    assertEquals(late.length, r.bytesReceived());
    assertEquals(GREETING.length, r.bytesSent());
  }
}
