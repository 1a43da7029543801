package io.vxmesh.load.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.vxmesh.compile.CompiledMesh;
import io.vxmesh.compile.Decision;
import io.vxmesh.compile.ProxyTable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The generated mesh the benchmarks time is what it claims: n routes, each reached by its own destination. */
class MeshFixtureTest {

  @ParameterizedTest(name = "{0} routes")
  @ValueSource(ints = {1, 7, 300})
  void everyRouteIsCompiledAndDecidedByItsDestination(int n) {
    CompiledMesh mesh = MeshFixture.compile(MeshFixture.snapshot(n));
    assertFalse(mesh.hasErrors(), mesh.findings().toString());
    assertEquals(n, mesh.services().size());
    assertEquals(n, mesh.virtualServices().size());
    ProxyTable gw = MeshFixture.gatewayTable(mesh);
    ProxyTable sc = MeshFixture.sidecarTable(mesh);
    assertEquals(n, gw.gatewayRoutes().get(MeshFixture.PORT).rules().size());
    assertEquals(n, sc.serviceRoutes().size());
    for (int i : new int[] {0, n / 2, n - 1}) {
      String host = "svc-%05d.bench.svc.cluster.local".formatted(i);
      for (ProxyTable t : new ProxyTable[] {gw, sc}) {
        Decision.Forward f = assertInstanceOf(Decision.Forward.class, t.decide(MeshFixture.facts(i)));
        assertEquals(host, f.route().targets().get(0).host(), "route " + i);
        assertEquals("vs-%05d".formatted(i), f.rule().virtualService());
      }
    }
    assertInstanceOf(Decision.Reject.class, gw.decide(MeshFixture.miss()));
  }
}
