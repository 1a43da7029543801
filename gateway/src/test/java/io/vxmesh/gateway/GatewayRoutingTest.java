package io.vxmesh.gateway;

import static io.vxmesh.gateway.Manifests.docs;
import static io.vxmesh.gateway.Manifests.gateway;
import static io.vxmesh.gateway.Manifests.pod;
import static io.vxmesh.gateway.Manifests.route;
import static io.vxmesh.gateway.Manifests.service;
import static io.vxmesh.gateway.Manifests.virtualService;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.proxy.AccessRecord;
import io.vxmesh.proxy.CloseReason;
import io.vxmesh.proxy.RandomSource;
import io.vxmesh.testing.Clients;
import io.vxmesh.testing.EchoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routing through a real gateway listener: the seed's demos and what a gateway must refuse. */
class GatewayRoutingTest {

  @TempDir
  Path dir;

  EchoServer echo;
  EchoServer echo2;

  @BeforeEach
  void backends() throws IOException {
    echo = EchoServer.lines("127.0.0.1", "hello");
    echo2 = EchoServer.lines("127.0.0.1", "hello-2");
  }

  @AfterEach
  void stopBackends() throws IOException {
    echo.close();
    echo2.close();
  }

  private String echoServices() {
    return docs(service("echo-server", echo.port()), service("echo-server-2", echo2.port()),
        pod("echo-server-1", "echo-server", "127.0.0.1", "version: prod"),
        pod("echo-server-2-1", "echo-server-2", "127.0.0.1"));
  }

  /** Seed 002 "gateways": the same VirtualService, two named gateways, two answers. */
  @Test
  void seedGatewaysDemo() throws Exception {
    String a1 = "127.44.0.1";
    String a2 = "127.44.0.2";
    int port = GatewayHarness.freePort(a1);
    Files.writeString(dir.resolve("gateways.yaml"), docs(
        gateway("ingressgateway-1", "istio: ingressgateway-1", port),
        gateway("ingressgateway-2", "istio: ingressgateway-2", port)));
    Files.writeString(dir.resolve("vs.yaml"), docs(virtualService("ingressgateway",
        "ingressgateway-1, ingressgateway-2", """
            - match: [{gateways: [ingressgateway-2]}]
              route: [{destination: {host: echo-server-2.default.svc.cluster.local}}]
            - route: [{destination: {host: echo-server.default.svc.cluster.local}}]""")));
    Files.writeString(dir.resolve("echo.yaml"), echoServices());
    try (GatewayHarness g1 = GatewayHarness.start(dir, a1, "istio=ingressgateway-1", RandomSource.seeded(1));
         GatewayHarness g2 = GatewayHarness.start(dir, a2, "istio=ingressgateway-2", RandomSource.seeded(2))) {
      GatewayHarness.await("both ready", () -> g1.ready() && g2.ready());
      assertEquals("hello test", Clients.sendLine(a1, port, "test"));
      assertEquals("hello-2 test", Clients.sendLine(a2, port, "test"));
      assertEquals(g1.version(), g2.version(), "both gateways compiled the same mesh version");
      AccessRecord r = g2.awaitRecord(1);
      assertEquals("istio-system/ingressgateway tcp[0]", r.route());
      assertEquals("echo-server-2.default.svc.cluster.local:19000", r.upstreamHost());
      assertEquals(java.util.List.of("istio-system/ingressgateway-2"), r.gateways());
      assertEquals(5, r.bytesReceived());
      assertEquals("hello-2 test\n".length(), r.bytesSent());
      assertEquals(CloseReason.COMPLETED, r.closeReason(), "client closed, echo server closed in turn");
    }
  }

  /** Seed 002 "port", at a gateway: match.port is the listener port. */
  @Test
  void portMatchPicksTheRuleForTheListenerPort() throws Exception {
    int p1 = GatewayHarness.freePort("127.0.0.1");
    int p2 = GatewayHarness.freePort("127.0.0.1");
    Files.writeString(dir.resolve("all.yaml"), docs(gateway("gw", "istio: gw", p1, p2),
        virtualService("vs", "gw", """
            - match: [{port: %d}]
              route: [{destination: {host: echo-server-2.default.svc.cluster.local}}]
            %s""".formatted(p1, route("echo-server"))), echoServices()));
    try (GatewayHarness gw = GatewayHarness.start(dir, "127.0.0.1", "istio=gw", RandomSource.seeded(1))) {
      GatewayHarness.await("ready", gw::ready);
      assertEquals("hello-2 test", Clients.sendLine("127.0.0.1", p1, "test"));
      assertEquals("hello test", Clients.sendLine("127.0.0.1", p2, "test"));
    }
  }

  /** Seed 002 "weight": 80/20 across subsets prod/gray, per connection, over 2000 connections. */
  @Test
  void weightsSplitConnections80to20() throws Exception {
    try (EchoServer gray = EchoServer.lines("127.0.0.1", "hello-gray")) {
      int port = GatewayHarness.freePort("127.0.0.1");
      // prod and gray pods of echo-server listen on different ports; a named targetPort resolves per pod.
      Files.writeString(dir.resolve("all.yaml"), docs(gateway("gw", "istio: gw", port),
          virtualService("vs", "gw", """
              - route:
                - destination: {host: echo-server.default.svc.cluster.local, subset: gray}
                  weight: 20
                - destination: {host: echo-server.default.svc.cluster.local, subset: prod}
                  weight: 80"""),
          """
              apiVersion: networking.istio.io/v1beta1
              kind: DestinationRule
              metadata: {name: echo, namespace: default}
              spec:
                host: echo-server.default.svc.cluster.local
                subsets:
                - {name: prod, labels: {version: prod}}
                - {name: gray, labels: {version: gray}}""",
          """
              apiVersion: v1
              kind: Service
              metadata: {name: echo-server, namespace: default}
              spec:
                selector: {app: echo-server}
                ports: [{name: tcp, port: 19000, targetPort: echo}]""",
          podWithPort("echo-prod", "version: prod", echo.port()),
          podWithPort("echo-gray", "version: gray", gray.port())));
      try (GatewayHarness gw = GatewayHarness.start(dir, "127.0.0.1", "istio=gw", RandomSource.threadLocal())) {
        GatewayHarness.await("ready", gw::ready);
        Map<String, Integer> counts = new HashMap<>();
        int n = 2000;
        for (int i = 0; i < n; i++) {
          counts.merge(Clients.sendLine("127.0.0.1", port, "t"), 1, Integer::sum);
        }
        int grayShare = counts.getOrDefault("hello-gray t", 0) * 100 / n;
        int prodShare = counts.getOrDefault("hello t", 0) * 100 / n;
        assertEquals(n, counts.getOrDefault("hello-gray t", 0) + counts.getOrDefault("hello t", 0), counts.toString());
        assertTrue(Math.abs(grayShare - 20) <= 3, "gray got " + grayShare + "% " + counts);
        assertTrue(Math.abs(prodShare - 80) <= 3, "prod got " + prodShare + "% " + counts);
      }
    }
  }

  private static String podWithPort(String name, String label, int port) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s, namespace: default, labels: {app: echo-server, %s}}
        spec:
          containers: [{name: server, ports: [{name: echo, containerPort: %d}]}]
        status: {phase: Running, podIP: 127.0.0.1}""".formatted(name, label, port);
  }

  /** Gateway with no matching rule: the connection is reset, not a byte sent. */
  @Test
  void noMatchingRuleResetsTheClient() throws Exception {
    int port = GatewayHarness.freePort("127.0.0.1");
    int other = GatewayHarness.freePort("127.0.0.1");
    Files.writeString(dir.resolve("all.yaml"), docs(gateway("gw", "istio: gw", port),
        virtualService("vs", "gw", """
            - match: [{port: %d}]
              route: [{destination: {host: echo-server.default.svc.cluster.local}}]""".formatted(other)),
        echoServices()));
    try (GatewayHarness gw = GatewayHarness.start(dir, "127.0.0.1", "istio=gw", RandomSource.seeded(1))) {
      GatewayHarness.await("ready", gw::ready);
      Clients.Refusal r = Clients.probe("127.0.0.1", port);
      assertTrue(r == Clients.Refusal.RESET || r == Clients.Refusal.CLOSED, "refused, got " + r);
      AccessRecord rec = gw.awaitRecord(1);
      assertEquals(CloseReason.NO_ROUTE, rec.closeReason());
      assertEquals(0, rec.bytesSent());
      assertEquals(0, echo.accepted(), "no upstream connection was made");
      assertTrue(gw.get("/stats/prometheus").contains("vxmesh_rejected_connections_total{listener=\"gateway:"
          + port + "\",reason=\"no_route\"} 1.0"));
    }
  }

  /** A destination without ready endpoints: reset, and the access log says why. */
  @Test
  void noEndpointResetsTheClient() throws Exception {
    int port = GatewayHarness.freePort("127.0.0.1");
    Files.writeString(dir.resolve("all.yaml"), docs(gateway("gw", "istio: gw", port),
        virtualService("vs", "gw", route("nobody")), service("nobody", 9)));
    try (GatewayHarness gw = GatewayHarness.start(dir, "127.0.0.1", "istio=gw", RandomSource.seeded(1))) {
      GatewayHarness.await("ready", gw::ready);
      Clients.Refusal r = Clients.probe("127.0.0.1", port);
      assertTrue(r == Clients.Refusal.RESET || r == Clients.Refusal.CLOSED, "refused, got " + r);
      assertEquals(CloseReason.NO_ENDPOINTS, gw.awaitRecord(1).closeReason());
    }
  }

  /** An endpoint that refuses connections is skipped: the next endpoint serves the client. */
  @Test
  void connectFailureTriesAnotherEndpoint() throws Exception {
    int port = GatewayHarness.freePort("127.0.0.1");
    int dead = GatewayHarness.freePort("127.0.0.1");
    Files.writeString(dir.resolve("all.yaml"), docs(gateway("gw", "istio: gw", port),
        virtualService("vs", "gw", route("echo-server")),
        """
            apiVersion: v1
            kind: Service
            metadata: {name: echo-server, namespace: default}
            spec:
              selector: {app: echo-server}
              ports: [{name: tcp, port: 19000, targetPort: echo}]""",
        podWithPort("alive", "version: prod", echo.port()),
        podWithPort("dead", "version: prod", dead).replace("127.0.0.1", "127.0.0.2")));
    try (GatewayHarness gw = GatewayHarness.start(dir, "127.0.0.1", "istio=gw", RandomSource.seeded(7))) {
      GatewayHarness.await("ready", gw::ready);
      for (int i = 0; i < 20; i++) {
        assertEquals("hello x", Clients.sendLine("127.0.0.1", port, "x"));
      }
      GatewayHarness.await("20 records", () -> gw.log.size() >= 20);
      assertTrue(gw.log.stream().anyMatch(r -> r.connectAttempts() == 2), "some connection needed a second attempt");
      assertTrue(gw.log.stream().allMatch(r -> r.upstream().equals("127.0.0.1:" + echo.port())));
      assertTrue(gw.get("/stats/prometheus").contains("vxmesh_upstream_connect_failures_total"));
    }
  }

  /** The upstream speaks first (like MySQL): its banner reaches the client without client bytes. */
  @Test
  void serverFirstBannerIsRelayed() throws Exception {
    try (EchoServer banner = EchoServer.banner("127.0.0.1", "220 welcome")) {
      int port = GatewayHarness.freePort("127.0.0.1");
      Files.writeString(dir.resolve("all.yaml"), docs(gateway("gw", "istio: gw", port),
          virtualService("vs", "gw", route("db")), service("db", banner.port()), pod("db-1", "db", "127.0.0.1")));
      try (GatewayHarness gw = GatewayHarness.start(dir, "127.0.0.1", "istio=gw", RandomSource.seeded(1))) {
        GatewayHarness.await("ready", gw::ready);
        java.net.Socket s = new java.net.Socket("127.0.0.1", port);
        s.setSoTimeout(5000);
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
        assertEquals("220 welcome", in.readLine());
        s.close();
      }
    }
  }

  /** Idle timeout from the DestinationRule: a silent connection is closed. */
  @Test
  void idleTimeoutClosesSilentConnections() throws Exception {
    int port = GatewayHarness.freePort("127.0.0.1");
    Files.writeString(dir.resolve("all.yaml"), docs(gateway("gw", "istio: gw", port),
        virtualService("vs", "gw", route("echo-server")), echoServices(),
        """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: echo, namespace: default}
            spec:
              host: echo-server
              trafficPolicy: {connectionPool: {tcp: {idleTimeout: 300ms, connectTimeout: 2s}}}"""));
    try (GatewayHarness gw = GatewayHarness.start(dir, "127.0.0.1", "istio=gw", RandomSource.seeded(1))) {
      GatewayHarness.await("ready", gw::ready);
      java.net.Socket s = new java.net.Socket("127.0.0.1", port);
      s.setSoTimeout(5000);
      s.getOutputStream().write("a\n".getBytes());
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
      assertEquals("hello a", in.readLine());
      long t0 = System.nanoTime();
      assertEquals(null, in.readLine(), "closed by the gateway");
      long waited = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(waited >= 200 && waited < 3000, "closed after " + waited + " ms");
      assertEquals(CloseReason.IDLE_TIMEOUT, gw.awaitRecord(1).closeReason());
      s.close();
    }
  }

  /** Listeners follow the Gateway resources: a new server port opens, a removed one closes. */
  @Test
  void listenersOpenAndCloseWithGateways() throws Exception {
    int p1 = GatewayHarness.freePort("127.0.0.1");
    int p2 = GatewayHarness.freePort("127.0.0.1");
    Files.writeString(dir.resolve("echo.yaml"), echoServices());
    Files.writeString(dir.resolve("vs.yaml"), docs(virtualService("vs", "gw", route("echo-server"))));
    Files.writeString(dir.resolve("gw.yaml"), docs(gateway("gw", "istio: gw", p1)));
    try (GatewayHarness gw = GatewayHarness.start(dir, "127.0.0.1", "istio=gw", RandomSource.seeded(1))) {
      GatewayHarness.await("ready", gw::ready);
      assertEquals("hello a", Clients.sendLine("127.0.0.1", p1, "a"));
      String v1 = gw.version();
      gw.write("gw.yaml", docs(gateway("gw", "istio: gw", p2)));
      GatewayHarness.await("new version", () -> !gw.version().equals(v1));
      GatewayHarness.await("port " + p2 + " open", () -> canConnect(p2));
      assertEquals("hello b", Clients.sendLine("127.0.0.1", p2, "b"));
      GatewayHarness.await("port " + p1 + " closed", () -> !canConnect(p1));
      assertNotEquals(v1, gw.version());
    }
  }

  static boolean canConnect(int port) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
