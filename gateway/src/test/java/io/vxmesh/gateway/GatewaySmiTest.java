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
import io.vxmesh.proxy.CloseReason;
import io.vxmesh.proxy.RandomSource;
import io.vxmesh.testing.Clients;
import io.vxmesh.testing.EchoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MISSION section 2: an ingress gateway pod is a meshed source with its own ServiceAccount. In SMI
 * mode it may reach a service only where a TrafficTarget names it, and it checks before connecting.
 */
class GatewaySmiTest {

  @TempDir
  Path dir;

  static final String SMI_MODE = """
      apiVersion: config.openservicemesh.io/v1alpha2
      kind: MeshConfig
      metadata: {name: osm-mesh-config, namespace: osm-system}
      spec:
        traffic: {enablePermissiveTrafficPolicyMode: false}""";

  static final String ALLOW_GATEWAY = """
      apiVersion: specs.smi-spec.io/v1alpha4
      kind: TCPRoute
      metadata: {name: echo-19000, namespace: default}
      spec:
        matches: {ports: [9000]}
      ---
      kind: TrafficTarget
      apiVersion: access.smi-spec.io/v1alpha3
      metadata: {name: gateway-to-echo, namespace: default}
      spec:
        destination: {kind: ServiceAccount, name: echo-server, namespace: default}
        sources: [{kind: ServiceAccount, name: ingressgateway, namespace: istio-system}]
        rules: [{kind: TCPRoute, name: echo-19000}]""";

  @Test
  void inSmiModeTheGatewayNeedsATrafficTargetNamingItsServiceAccount() throws Exception {
    try (EchoServer echo = EchoServer.lines("127.0.0.1", "hello")) {
      int port = GatewayHarness.freePort("127.0.0.1");
      // The echo pod's target port is whatever the backend got; the TCPRoute names that port.
      String allow = ALLOW_GATEWAY.replace("[9000]", "[" + echo.port() + "]");
      Files.writeString(dir.resolve("mesh.yaml"), docs(SMI_MODE, gateway("gw", "istio: gw", port),
          virtualService("vs", "gw", route("echo-server")), service("echo-server", echo.port()),
          pod("echo-server-1", "echo-server", "127.0.0.1")));
      try (GatewayHarness gw = GatewayHarness.start(dir, "127.0.0.1", "istio=gw", RandomSource.seeded(1),
          new JsonObject().put("serviceAccount", "ingressgateway").put("pod", "ingressgateway-1-abc"))) {
        GatewayHarness.await("ready", gw::ready);
        Clients.Refusal refused = Clients.probe("127.0.0.1", port);
        assertTrue(refused == Clients.Refusal.RESET || refused == Clients.Refusal.CLOSED, "got " + refused);
        assertEquals(CloseReason.DENIED, gw.awaitRecord(1).closeReason());
        assertTrue(gw.awaitRecord(1).detail().contains("istio-system/ingressgateway may not reach default/echo-server"),
            gw.awaitRecord(1).detail());

        String before = gw.version();
        gw.write("allow.yaml", allow);
        GatewayHarness.await("the policy applied", () -> !gw.version().equals(before));
        assertEquals("hello test", Clients.sendLine("127.0.0.1", port, "test"));
      }
    }
  }
}
