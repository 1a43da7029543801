package io.vxmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.compile.ProxyTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The start-up warm-up must go down the paths a real start takes: its sample has to stay valid as
 * the parser and compiler change, or the warm-up would stop at the first finding and warm nothing.
 */
class WarmupTest {

  @Test
  void theSampleParsesAndCompilesWithoutFindings() {
    Warmup.Exercise e = Warmup.exercise();
    assertEquals(List.of(), e.findings(), "the warm-up sample must stay valid");
    assertEquals(1, e.mesh().gateways().size());
    assertEquals(1, e.mesh().virtualServices().size());
    assertFalse(e.mesh().access().isEmpty(), "the SMI TrafficTarget compiled into access rules");
    assertFalse(e.mesh().egress().isEmpty(), "the OSM Egress compiled");
    assertFalse(e.mesh().digest().isBlank(), "the digest (Jackson serialisers) was computed");
  }

  @Test
  void theGatewayAndSidecarTablesAreBuilt() {
    Warmup.Exercise e = Warmup.exercise();
    assertEquals(List.of(15999), e.gateway().listeners().stream().map(ProxyTable.Listener::port).toList());
    assertTrue(e.gateway().gatewayRoutes().containsKey(15999));
    assertFalse(e.sidecar().serviceRoutes().isEmpty(), "the sidecar knows the sample Service");
  }

  @Test
  void runReportsSuccessAndTheThreadsAreDaemons() throws InterruptedException {
    assertTrue(Warmup.run());
    assertEquals(1, Warmup.start(1).size(), "one CPU: one thread does both steps");
    List<Thread> threads = new java.util.ArrayList<>(Warmup.start(2));
    assertEquals(2, threads.size(), "two CPUs: Netty and the mesh on threads of their own");
    threads.addAll(Warmup.start(1));
    for (Thread t : threads) {
      assertTrue(t.isDaemon(), "the warm-up must never keep a process alive: " + t.getName());
      t.join(30_000);
      assertFalse(t.isAlive(), t.getName());
    }
  }
}
