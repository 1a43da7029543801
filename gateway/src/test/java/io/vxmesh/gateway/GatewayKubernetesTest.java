package io.vxmesh.gateway;

import static io.vxmesh.gateway.Manifests.docs;
import static io.vxmesh.gateway.Manifests.gateway;
import static io.vxmesh.gateway.Manifests.pod;
import static io.vxmesh.gateway.Manifests.route;
import static io.vxmesh.gateway.Manifests.service;
import static io.vxmesh.gateway.Manifests.virtualService;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vxmesh.cli.ProxyLauncher;
import io.vxmesh.proxy.AccessLog;
import io.vxmesh.proxy.RandomSource;
import io.vxmesh.testing.Clients;
import io.vxmesh.testing.EchoServer;
import io.vxmesh.testing.MockKubernetes;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway whose mesh comes from the Kubernetes API (fabric8's CRUD mock server, real watches):
 * creating, changing and deleting Gateways, VirtualServices, Services and Pods changes what real
 * client connections reach, and so do changes made while the watches are down and answered 410.
 */
class GatewayKubernetesTest {
  private static final String ADDRESS = "127.46.0.1";

  @TempDir
  Path dir;

  MockKubernetes api;
  EchoServer echo;
  EchoServer echo2;
  ProxyLauncher.Running gateway;
  int port;

  @BeforeEach
  void setUp() throws Exception {
    api = new MockKubernetes();
    echo = EchoServer.lines("127.0.0.1", "hello");
    echo2 = EchoServer.lines("127.0.0.1", "hello-2");
    port = GatewayHarness.freePort(ADDRESS);
    api.apply(docs(service("echo-server", echo.port()), service("echo-server-2", echo2.port()),
        pod("echo-server-1", "echo-server", "127.0.0.1"), pod("echo-server-2-1", "echo-server-2", "127.0.0.1"),
        gateway("ingressgateway-1", "istio: ingressgateway-1", port),
        virtualService("ingressgateway", "ingressgateway-1", route("echo-server"))));
    JsonObject flags = new JsonObject()
        .put("kubeconfig", api.kubeconfig(dir).toString())
        .put("namespace", "istio-system")
        .put("labels", "istio=ingressgateway-1")
        .put("address", ADDRESS)
        .put("admin", ADDRESS + ":0")
        .put("eventLoops", 1)
        .put("drainTimeout", "1s");
    gateway = ProxyLauncher.start(flags, Map.of(), new GatewayModule(),
        new ProxyLauncher.Overrides(RandomSource.seeded(1), AccessLog.off())).await(30, TimeUnit.SECONDS);
    GatewayHarness.await("ready", () -> gateway.runtime().readiness().isReady());
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      try {
        gateway.close().await(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // Say where it hangs.
        io.vertx.core.internal.VertxInternal vi = (io.vertx.core.internal.VertxInternal) gateway.vertx();
        for (String id : vi.deploymentIDs()) {
          var d = vi.deploymentManager().deployment(id);
          System.out.println("deployment still there: " + id + " " + (d == null ? "?" : d.deployment().identifier()));
        }
        Thread.getAllStackTraces().forEach((t, st) -> {
          System.out.println("thread " + t.getName() + " " + t.getState());
          for (StackTraceElement el : st) {
            System.out.println("    at " + el);
          }
        });
        throw e;
      }
    }
    api.close();
    echo.close();
    echo2.close();
  }

  private String version() {
    return gateway.runtime().tables().applied().version();
  }

  private String answer() {
    try {
      return Clients.sendLine(ADDRESS, port, "test");
    } catch (IOException e) {
      return e.getClass().getSimpleName();
    }
  }

  /** Waits for a new mesh version, then for the answer (listeners open and close asynchronously). */
  private void awaitAnswer(String before, String expected) throws InterruptedException {
    GatewayHarness.await("a new mesh version", () -> !version().equals(before));
    GatewayHarness.await("the answer " + expected, () -> expected.equals(answer()));
  }

  private boolean refused() {
    try {
      Clients.Refusal r = Clients.probe(ADDRESS, port);
      return r == Clients.Refusal.RESET || r == Clients.Refusal.CLOSED;
    } catch (ConnectException e) {
      return true; // no listener at all
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void routingFollowsTheApi() throws Exception {
    assertEquals("hello test", answer());

    String v0 = version();
    api.apply(virtualService("ingressgateway", "ingressgateway-1", route("echo-server-2")));
    awaitAnswer(v0, "hello-2 test");

    String v1 = version();
    api.delete(pod("echo-server-2-1", "echo-server-2", "127.0.0.1"));
    GatewayHarness.await("a new mesh version", () -> !version().equals(v1));
    GatewayHarness.await("no endpoint left: refused", this::refused);

    String v2 = version();
    api.apply(pod("echo-server-2-1", "echo-server-2", "127.0.0.1"));
    awaitAnswer(v2, "hello-2 test");

    String v3 = version();
    api.delete(virtualService("ingressgateway", "ingressgateway-1", route("echo-server-2")));
    GatewayHarness.await("a new mesh version", () -> !version().equals(v3));
    GatewayHarness.await("no rule: refused", this::refused);

    String v4 = version();
    api.apply(virtualService("ingressgateway", "ingressgateway-1", route("echo-server")));
    awaitAnswer(v4, "hello test");

    String v5 = version();
    api.delete(gateway("ingressgateway-1", "istio: ingressgateway-1", port));
    GatewayHarness.await("a new mesh version", () -> !version().equals(v5));
    GatewayHarness.await("no Gateway: refused", this::refused);
  }

  @Test
  void changesWhileTheWatchIsDownAndGoneArrive() throws Exception {
    assertEquals("hello test", answer());
    String v = version();
    api.gone(true);
    assertTrue(api.dropWatches() > 0);
    api.apply(virtualService("ingressgateway", "ingressgateway-1", route("echo-server-2")));
    api.delete(pod("echo-server-1", "echo-server", "127.0.0.1"));
    int before = api.goneAnswers();
    GatewayHarness.await("every informer relisted", () -> api.goneAnswers() >= before + 22);
    api.gone(false);
    awaitAnswer(v, "hello-2 test");
    // Each kind relists on its own: the pod's deletion may come in a later version.
    GatewayHarness.await("the pod deleted while disconnected gone", () -> gateway.runtime().tables().applied()
        .mesh().mesh().pods().stream().noneMatch(p -> p.toString().contains("echo-server-1")));
    assertTrue(gateway.runtime().readiness().isReady());
  }

  /** The API server goes away: the table in force stays, connections keep being routed. */
  @Test
  void theApiBeingDownKeepsTheTableInForce() throws Exception {
    assertEquals("hello test", answer());
    String v = version();
    api.close();
    long until = System.nanoTime() + java.time.Duration.ofSeconds(3).toNanos(); // several watch retries
    int answered = 0;
    while (System.nanoTime() < until) {
      assertEquals("hello test", answer());
      answered++;
    }
    assertTrue(answered > 10, "kept answering: " + answered);
    assertEquals(v, version(), "no new version without the API");
    assertTrue(gateway.runtime().readiness().isReady());
    api = new MockKubernetes(); // for tearDown
  }
}
