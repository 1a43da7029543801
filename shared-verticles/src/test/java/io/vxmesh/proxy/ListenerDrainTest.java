package io.vxmesh.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vxmesh.compile.ProxyIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The listener itself, through real sockets: a closed listener stops accepting at once but lets its
 * open connections flow until the drain timeout (1 s in the harness), then closes them; two
 * listeners on one port (two event loops) share it.
 */
class ListenerDrainTest {

  static final ProxyIdentity CURL = ProxyIdentity.sidecar("curl", "curl-1", "curl", Map.of("app", "curl"));

  ServerSocket echo;
  final AtomicInteger accepted = new AtomicInteger();
  EgressHarness proxy;

  @BeforeEach
  void start() throws Exception {
    echo = new ServerSocket(0, 64, InetAddress.getByName("127.0.0.1"));
    Thread.ofVirtual().start(() -> {
      while (!echo.isClosed()) {
        try {
          Socket s = echo.accept();
          accepted.incrementAndGet();
          Thread.ofVirtual().start(() -> {
            try (s) {
              s.getInputStream().transferTo(s.getOutputStream());
            } catch (IOException gone) {
              // the proxy closed it
            }
          });
        } catch (IOException closed) {
          return;
        }
      }
    });
    proxy = new EgressHarness(CURL, echo.getLocalPort(), """
        kind: Egress
        apiVersion: policy.openservicemesh.io/v1alpha1
        metadata: {name: echo, namespace: curl}
        spec:
          sources: [{kind: ServiceAccount, name: curl, namespace: curl}]
          ipAddresses: [127.0.0.1/32]
          ports: [{number: %d, protocol: tcp}]
        """.formatted(echo.getLocalPort()));
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    echo.close();
  }

  @Test
  void aClosedListenerRefusesNewConnectionsAndDrainsOpenOnesUntilTheTimeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", proxy.port)) {
      s.setSoTimeout(5_000);
      assertEquals("a", roundTrip(s, "a"));
      long t0 = System.nanoTime();
      Future<Void> undeployed = proxy.vertx.undeploy(proxy.listenerDeployment);
      awaitRefused(proxy.port);
      assertFalse(undeployed.isComplete(), "an open connection holds the drain");
      assertEquals("b", roundTrip(s, "b"), "open connections keep flowing while the listener drains");
      undeployed.await(10, TimeUnit.SECONDS);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(ms >= 900, "drained for the 1 s timeout, not " + ms + " ms");
      assertEquals(-1, readOrEnd(s.getInputStream()), "closed at the drain timeout");
      String client = "127.0.0.1:" + s.getLocalPort();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (proxy.log.stream().noneMatch(r -> r.downstream().equals(client)) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      AccessRecord rec = proxy.log.stream().filter(r -> r.downstream().equals(client)).findFirst()
          .orElseThrow(() -> new AssertionError("no access record for " + client + " in " + proxy.log));
      assertEquals(2, rec.bytesReceived(), "both bytes went through, one of them while draining");
    }
  }

  @Test
  void aListenerWithNoOpenConnectionsClosesAtOnce() throws Exception {
    try (Socket s = new Socket("127.0.0.1", proxy.port)) {
      s.setSoTimeout(5_000);
      assertEquals("a", roundTrip(s, "a"));
    }
    proxy.awaitRecord(1);
    long t0 = System.nanoTime();
    proxy.vertx.undeploy(proxy.listenerDeployment).await(10, TimeUnit.SECONDS);
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 900, "nothing to drain");
    awaitRefused(proxy.port);
  }

  @Test
  void twoListenersShareOnePortAndEitherServesAlone() throws Exception {
    ListenerVerticle second = new ListenerVerticle(proxy.rt, "outbound", "127.0.0.1", proxy.port, proxy.role);
    proxy.vertx.deployVerticle(second, new DeploymentOptions()).await(10, TimeUnit.SECONDS);
    assertEquals(proxy.port, second.actualPort());
    for (int i = 0; i < 20; i++) {
      try (Socket s = new Socket("127.0.0.1", proxy.port)) {
        s.setSoTimeout(5_000);
        assertEquals("x" + i, roundTrip(s, "x" + i));
      }
    }
    proxy.vertx.undeploy(proxy.listenerDeployment).await(10, TimeUnit.SECONDS);
    for (int i = 0; i < 5; i++) {
      try (Socket s = new Socket("127.0.0.1", proxy.port)) {
        s.setSoTimeout(5_000);
        assertEquals("y" + i, roundTrip(s, "y" + i), "the other listener keeps the port");
      }
    }
    assertEquals(25, accepted.get());
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes());
    out.flush();
    byte[] b = s.getInputStream().readNBytes(text.length());
    return new String(b);
  }

  private static int readOrEnd(InputStream in) {
    try {
      return in.read();
    } catch (IOException reset) {
      return -1;
    }
  }

  private static void awaitRefused(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("port " + port + " still accepts connections");
        }
      } catch (ConnectException refused) {
        return;
      } catch (IOException other) {
        // accepted and closed while the listener was going away: try again
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aPortInUseByAnotherSocketFailsTheDeployment() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ListenerVerticle clash = new ListenerVerticle(proxy.rt, "outbound", "127.0.0.1", taken.getLocalPort(), proxy.role);
      Exception e = assertThrows(Exception.class,
          () -> proxy.vertx.deployVerticle(clash, new DeploymentOptions()).await(10, TimeUnit.SECONDS));
      assertTrue(String.valueOf(e.getMessage()).toLowerCase().contains("in use"), String.valueOf(e));
    }
  }
}
