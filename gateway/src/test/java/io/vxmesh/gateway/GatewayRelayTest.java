package io.vxmesh.gateway;

import static io.vxmesh.gateway.Manifests.docs;
import static io.vxmesh.gateway.Manifests.gateway;
import static io.vxmesh.gateway.Manifests.pod;
import static io.vxmesh.gateway.Manifests.route;
import static io.vxmesh.gateway.Manifests.service;
import static io.vxmesh.gateway.Manifests.virtualService;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import io.vxmesh.proxy.AccessRecord;
import io.vxmesh.proxy.CloseReason;
import io.vxmesh.proxy.RandomSource;
import io.vxmesh.testing.EchoServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byte-exactness, back-pressure and half-close through the gateway relay, with a raw echo upstream. */
class GatewayRelayTest {

  @TempDir
  Path dir;

  EchoServer raw;
  GatewayHarness gw;
  int port;

  @BeforeEach
  void start() throws Exception {
    raw = EchoServer.raw("127.0.0.1");
    port = GatewayHarness.freePort("127.0.0.1");
    Files.writeString(dir.resolve("all.yaml"), docs(gateway("gw", "istio: gw", port),
        virtualService("vs", "gw", route("raw")), service("raw", raw.port()), pod("raw-1", "raw", "127.0.0.1")));
    gw = GatewayHarness.start(dir, "127.0.0.1", "istio=gw", RandomSource.seeded(1),
        new JsonObject().put("transport", transport()));
    GatewayHarness.await("ready", gw::ready);
  }

  /** The --transport the gateway runs with (subclasses run the same tests on another). */
  String transport() {
    return "auto";
  }

  /** What it must have given: for auto, io_uring where this kernel has it, else epoll. */
  Transport expected() {
    return Transport.IO_URING.available() ? Transport.IO_URING : Transport.EPOLL;
  }

  @Test
  void runsOnTheTransportAskedFor() {
    assertEquals(expected().implementation().getClass(), ((VertxInternal) gw.running.vertx()).transport().getClass());
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
    raw.close();
  }

  /**
   * The client sends, then shuts its output (FIN). The echo upstream must still be able to answer
   * everything after seeing that FIN, and its own FIN must reach the client: both directions finish
   * independently.
   */
  @Test
  void halfCloseIsPassedOnBothWays() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      byte[] payload = "one\ntwo\nthree\n".getBytes();
      s.getOutputStream().write(payload);
      s.shutdownOutput();
      byte[] back = s.getInputStream().readAllBytes();
      assertArrayEquals(payload, back, "everything echoed after the client's FIN, then EOF");
    }
    AccessRecord r = gw.awaitRecord(1);
    assertEquals(CloseReason.COMPLETED, r.closeReason());
    assertEquals(14, r.bytesReceived());
    assertEquals(14, r.bytesSent());
  }

  /** 64 MiB each way at once, compared byte for byte (by digest) and counted in the access log. */
  @Test
  void sixtyFourMebibytesBothWaysByteExact() throws Exception {
    long size = 64L * 1024 * 1024;
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      MessageDigest sent = MessageDigest.getInstance("SHA-256");
      CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
        try {
          MessageDigest md = MessageDigest.getInstance("SHA-256");
          InputStream in = s.getInputStream();
          byte[] buf = new byte[256 * 1024];
          long total = 0;
          int n;
          while ((n = in.read(buf)) >= 0) {
            md.update(buf, 0, n);
            total += n;
          }
          assertEquals(size, total);
          return md.digest();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      OutputStream out = s.getOutputStream();
      SplittableRandom rnd = new SplittableRandom(42);
      byte[] chunk = new byte[1 << 20];
      for (long done = 0; done < size; done += chunk.length) {
        rnd.nextBytes(chunk);
        sent.update(chunk);
        out.write(chunk);
      }
      s.shutdownOutput();
      assertArrayEquals(sent.digest(), received.get(), "64 MiB came back unchanged");
    }
    AccessRecord r = gw.awaitRecord(1);
    assertEquals(size, r.bytesReceived());
    assertEquals(size, r.bytesSent());
    assertEquals(CloseReason.COMPLETED, r.closeReason());
  }

  /** Upstream half-closes first: the client gets its FIN and may still send. */
  @Test
  void upstreamFinReachesClientWhileClientKeepsSending() throws Exception {
    // The raw echo shuts its output only after ours; so send, FIN, and check the order of events:
    // our bytes come back, then EOF, and the log counts both ways.
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      ByteArrayOutputStream expect = new ByteArrayOutputStream();
      for (int i = 0; i < 1000; i++) {
        byte[] line = ("line " + i + "\n").getBytes();
        expect.write(line);
        s.getOutputStream().write(line);
      }
      s.shutdownOutput();
      assertArrayEquals(expect.toByteArray(), s.getInputStream().readAllBytes());
    }
  }
}
