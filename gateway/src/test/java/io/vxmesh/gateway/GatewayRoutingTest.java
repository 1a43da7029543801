package io.vxmesh.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vxmesh.proxy.RandomSource;
import io.vxmesh.testing.Clients;
import io.vxmesh.testing.EchoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayRoutingTest {

  @TempDir
  Path dir;

  @Test
  void smoke() throws Exception {
    try (EchoServer echo = EchoServer.lines("127.0.0.1", "hello")) {
      int port = GatewayHarness.freePort("127.0.0.1");
      Files.writeString(dir.resolve("all.yaml"), """
          apiVersion: networking.istio.io/v1beta1
          kind: Gateway
          metadata: {name: gw, namespace: istio-system}
          spec:
            selector: {istio: gw}
            servers: [{hosts: ['*'], port: {name: tcp, number: %d, protocol: TCP}}]
          ---
          apiVersion: networking.istio.io/v1beta1
          kind: VirtualService
          metadata: {name: vs, namespace: istio-system}
          spec:
            gateways: [gw]
            hosts: ['*']
            tcp:
            - route: [{destination: {host: echo.default.svc.cluster.local}}]
          ---
          apiVersion: v1
          kind: Service
          metadata: {name: echo, namespace: default}
          spec:
            selector: {app: echo}
            ports: [{name: tcp, port: 19000, targetPort: %d}]
          ---
          apiVersion: v1
          kind: Pod
          metadata: {name: echo-1, namespace: default, labels: {app: echo}}
          status: {podIP: 127.0.0.1}
          """.formatted(port, echo.port()));
      try (GatewayHarness gw = GatewayHarness.start(dir, "127.0.0.1", "istio=gw", RandomSource.seeded(1))) {
        GatewayHarness.await("ready", () -> gw.running.runtime().readiness().isReady());
        assertEquals("hello test", Clients.sendLine("127.0.0.1", port, "test"));
      }
    }
  }
}
