package io.vxmesh.gateway;

import static io.vxmesh.gateway.Manifests.docs;
import static io.vxmesh.gateway.Manifests.gateway;
import static io.vxmesh.gateway.Manifests.pod;
import static io.vxmesh.gateway.Manifests.route;
import static io.vxmesh.gateway.Manifests.service;
import static io.vxmesh.gateway.Manifests.virtualService;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vxmesh.proxy.RandomSource;
import io.vxmesh.testing.Clients;
import io.vxmesh.testing.EchoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin contract: /ready, /config_dump (top-level version), /stats/prometheus, /explain. */
class GatewayAdminTest {

  @TempDir
  Path dir;

  @Test
  void adminEndpointsDescribeWhatIsInForce() throws Exception {
    try (EchoServer echo = EchoServer.lines("127.0.0.1", "hello")) {
      int port = GatewayHarness.freePort("127.0.0.1");
      Files.writeString(dir.resolve("all.yaml"), docs(gateway("gw", "istio: gw", port),
          virtualService("vs", "gw", route("echo-server")), service("echo-server", echo.port()),
          pod("e1", "echo-server", "127.0.0.1")));
      try (GatewayHarness gw = GatewayHarness.start(dir, "127.0.0.1", "istio=gw", RandomSource.seeded(1))) {
        GatewayHarness.await("ready", gw::ready);
        assertEquals("200 ready " + gw.version() + "\n", gw.get("/ready"));

        JsonNode dump = new ObjectMapper().readTree(gw.get("/config_dump").substring(4));
        assertEquals(gw.version(), dump.get("version").asText());
        assertEquals(1, dump.get("generation").asInt());
        JsonNode listener = dump.get("table").get("listeners").get(0);
        assertEquals(port, listener.get("port").asInt());
        assertEquals("istio-system/gw", listener.get("gateways").get(0).asText());
        JsonNode rule = listener.get("routes").get("rules").get(0);
        assertEquals("istio-system/vs tcp[0]", rule.get("rule").asText());
        assertEquals("127.0.0.1:" + echo.port(), rule.get("route").get(0).get("endpoints").get(0).asText());

        assertEquals("hello a", Clients.sendLine("127.0.0.1", port, "a"));
        gw.awaitRecord(1);
        String metrics = gw.get("/stats/prometheus");
        assertTrue(metrics.startsWith("200 "));
        assertTrue(metrics.contains("vxmesh_route_connections_total{destination=\"echo-server.default.svc.cluster.local:19000\","
            + "listener=\"gateway:" + port + "\",route=\"istio-system/vs tcp[0]\"} 1.0"), metrics);
        assertTrue(metrics.contains("vxmesh_route_received_bytes_total{destination=\"echo-server.default.svc.cluster.local:19000\","
            + "listener=\"gateway:" + port + "\",route=\"istio-system/vs tcp[0]\"} 2.0"), metrics);
        assertTrue(metrics.contains("vxmesh_downstream_connections_total{listener=\"gateway:" + port + "\"} 1.0"), metrics);
        assertTrue(metrics.contains("vxmesh_mesh_generation 1.0"), metrics);

        JsonNode explain = new ObjectMapper().readTree(gw.get("/explain?port=" + port).substring(4));
        assertEquals("forward", explain.get("decision").asText());
        assertEquals("istio-system/vs tcp[0]", explain.get("rule").asText());
        JsonNode none = new ObjectMapper().readTree(gw.get("/explain?port=1").substring(4));
        assertEquals("reject", none.get("decision").asText());
        assertEquals("no_listener", none.get("reason").asText());
      }
    }
  }
}
