package io.vxmesh.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.sidecar.lab.MeshLab;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IPv6 through the sidecars where the kernel allows it (ip6tables nat): dual-stack pods and a
 * dual-stack Service; a connection to the Service's IPv6 virtual IP is redirected, its original
 * destination read with IP6T_SO_ORIGINAL_DST, routed by the same rules as IPv4 and delivered to
 * the server pod's IPv6 address by its inbound side.
 */
class DualStackIT {

  static MeshLab lab;
  static MeshLab.Pod client;
  static MeshLab.Pod echo;

  @BeforeAll
  static void cluster() throws Exception {
    String why = MeshLab.unavailable();
    Assumptions.assumeTrue(why == null, why);
    Assumptions.assumeTrue(MeshLab.sh("ip netns add vx6probe && ip netns exec vx6probe ip6tables -t nat -L -n;"
        + " r=$?; ip netns del vx6probe; exit $r").exit() == 0, "ip6tables nat is not usable here");
    lab = new MeshLab();
    client = lab.pod("default", "client-1", "client", Map.of("app", "client"));
    echo = lab.pod("default", "echo-1", "echo", Map.of("app", "echo"));
    lab.service("default", "echo", Map.of("app", "echo"), "[{name: tcp, port: 19000, targetPort: 9000}]");
    lab.echoApp(echo, "::", 9000, "hello");
    // The server's sidecar on epoll, the client's on the default (io_uring where the kernel has
    // it): the original destination is read on both transports, for IPv4 and IPv6.
    lab.sidecar(echo, "--transport", "epoll");
    lab.sidecar(client);
  }

  @AfterAll
  static void teardown() throws Exception {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void theSidecarsRunOnTheTransportsAskedFor() throws Exception {
    assertTrue(lab.log("sidecar-" + echo.name()).contains(", transport epoll"), lab.log("sidecar-" + echo.name()));
    String expected = io.vertx.core.transport.Transport.IO_URING.available() ? "io_uring" : "epoll";
    assertTrue(lab.log("sidecar-" + client.name()).contains(", transport " + expected),
        lab.log("sidecar-" + client.name()));
  }

  @Test
  void theIpv6VirtualIpIsRoutedLikeTheIpv4One() throws Exception {
    String vip6 = lab.vip6("default", "echo");
    MeshLab.Result r = lab.app(client, "echo test | ncat -w 5 " + vip6 + " 19000");
    assertEquals("hello test", r.out().trim(), r.err() + lab.log("sidecar-" + client.name()));
    MeshLab.awaitTrue("the IPv6 connection in the client's access log",
        () -> lab.accessLog(client).contains("\"destination\":\"[" + vip6 + "]:19000\""));
    MeshLab.awaitTrue("delivery to the pod's IPv6 address in the server's access log",
        () -> lab.accessLog(echo).contains("\"upstream\":\"[" + echo.ip6() + "]:9000\""));
    // IPv4 still works side by side.
    assertEquals("hello test", lab.app(client, "echo test | ncat -w 5 echo.default 19000").out().trim());
  }

  @Test
  void aMeshedPodsIpv6AddressIsPassedThrough() throws Exception {
    MeshLab.Result r = lab.app(client, "echo test | ncat -w 5 " + echo.ip6() + " 9000");
    assertEquals("hello test", r.out().trim(), r.err());
    MeshLab.awaitTrue("the passthrough in the client's access log",
        () -> lab.accessLog(client).contains("\"destination\":\"[" + echo.ip6() + "]:9000\""));
  }
}
