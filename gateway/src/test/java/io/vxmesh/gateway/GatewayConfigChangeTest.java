package io.vxmesh.gateway;

import static io.vxmesh.gateway.Manifests.docs;
import static io.vxmesh.gateway.Manifests.gateway;
import static io.vxmesh.gateway.Manifests.pod;
import static io.vxmesh.gateway.Manifests.route;
import static io.vxmesh.gateway.Manifests.service;
import static io.vxmesh.gateway.Manifests.virtualService;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.proxy.RandomSource;
import io.vxmesh.testing.Clients;
import io.vxmesh.testing.EchoServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration changes never cut a connection; bad edits never stop routing. */
class GatewayConfigChangeTest {

  @TempDir
  Path dir;

  /**
   * An open connection keeps echoing across 20 configuration changes, each of which flips the route
   * for new connections between echo-server and echo-server-2.
   */
  @Test
  void openConnectionSurvivesTwentyChanges() throws Exception {
    try (EchoServer echo = EchoServer.lines("127.0.0.1", "hello");
         EchoServer echo2 = EchoServer.lines("127.0.0.1", "hello-2")) {
      int port = GatewayHarness.freePort("127.0.0.1");
      Files.writeString(dir.resolve("base.yaml"), docs(gateway("gw", "istio: gw", port),
          service("echo-server", echo.port()), service("echo-server-2", echo2.port()),
          pod("e1", "echo-server", "127.0.0.1"), pod("e2", "echo-server-2", "127.0.0.1")));
      Files.writeString(dir.resolve("vs.yaml"), docs(virtualService("vs", "gw", route("echo-server"))));
      try (GatewayHarness gw = GatewayHarness.start(dir, "127.0.0.1", "istio=gw", RandomSource.seeded(1));
           ) {
        GatewayHarness.await("ready", gw::ready);
        Socket held = new Socket("127.0.0.1", port);
        held.setSoTimeout(5000);
        OutputStream out = held.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(held.getInputStream()));
        out.write("first\n".getBytes());
        assertEquals("hello first", in.readLine());
        for (int i = 1; i <= 20; i++) {
          String target = i % 2 == 1 ? "echo-server-2" : "echo-server";
          String before = gw.version();
          gw.write("vs.yaml", docs(virtualService("vs", "gw", route(target))));
          GatewayHarness.await("change " + i + " applied", () -> !gw.version().equals(before));
          // new connections follow the new table...
          assertEquals((i % 2 == 1 ? "hello-2" : "hello") + " new" + i, Clients.sendLine("127.0.0.1", port, "new" + i));
          // ...the held one keeps the decision it was accepted with.
          out.write(("held" + i + "\n").getBytes());
          assertEquals("hello held" + i, in.readLine());
        }
        assertEquals(21, gw.running.runtime().tables().applied().generation());
        held.close();
      }
    }
  }

  /** A file that does not parse, and a resource that fails admission, leave the table in force. */
  @Test
  void brokenManifestKeepsTheLastGoodTable() throws Exception {
    try (EchoServer echo = EchoServer.lines("127.0.0.1", "hello")) {
      int port = GatewayHarness.freePort("127.0.0.1");
      Files.writeString(dir.resolve("base.yaml"), docs(gateway("gw", "istio: gw", port),
          service("echo-server", echo.port()), pod("e1", "echo-server", "127.0.0.1")));
      Files.writeString(dir.resolve("vs.yaml"), docs(virtualService("vs", "gw", route("echo-server"))));
      try (GatewayHarness gw = GatewayHarness.start(dir, "127.0.0.1", "istio=gw", RandomSource.seeded(1))) {
        GatewayHarness.await("ready", gw::ready);
        assertEquals("hello a", Clients.sendLine("127.0.0.1", port, "a"));
        String good = gw.version();

        gw.write("vs.yaml", "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {name: vs\n  bad: [\n");
        GatewayHarness.await("parse error reported", () -> dumpHas(gw, "VX0001"));
        assertEquals("hello b", Clients.sendLine("127.0.0.1", port, "b"));
        assertTrue(gw.ready());
        assertTrue(dumpHas(gw, "vs.yaml"), "the finding names the file");

        gw.write("vs.yaml", docs(virtualService("vs", "gw", """
            - route:
              - {destination: {host: echo-server.default.svc.cluster.local}, weight: 0}
              - {destination: {host: echo-server.default.svc.cluster.local}, weight: 0}""")));
        GatewayHarness.await("admission error reported", () -> dumpHas(gw, "sum to 0"));
        assertEquals("hello c", Clients.sendLine("127.0.0.1", port, "c"));
        assertTrue(dumpHas(gw, "VirtualService istio-system/vs"), "the finding names the resource");
        assertTrue(!good.isEmpty());
      }
    }
  }

  private static boolean dumpHas(GatewayHarness gw, String text) {
    try {
      return gw.get("/config_dump").contains(text);
    } catch (Exception e) {
      return false;
    }
  }
}
