package io.vxmesh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.compile.CompiledMesh;
import io.vxmesh.compile.MeshCompiler;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.policy.VersionedMesh;
import io.vxmesh.resource.ResourceParser;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the cluster carries decodes to an equal version: same mesh, same digest, same generation. */
class MeshWireTest {

  static Stream<Arguments> meshes() {
    String all = io.vxmesh.discovery.kubernetes.Fixtures.all();
    String weighted = """
        apiVersion: v1
        kind: Service
        metadata: {name: echo, namespace: default}
        spec: {selector: {app: echo}, ports: [{name: tcp, port: 9000, targetPort: 9000}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: echo-1, namespace: default, labels: {app: echo, version: prod}}
        spec: {serviceAccountName: echo}
        status: {phase: Running, podIP: 10.0.0.5}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: echo, namespace: default}
        spec:
          host: echo
          trafficPolicy: {connectionPool: {tcp: {connectTimeout: 2s, maxConnections: 7}}}
          subsets: [{name: prod, labels: {version: prod}}, {name: gray, labels: {version: gray}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: echo, namespace: default}
        spec:
          hosts: [echo]
          tcp:
          - match: [{port: 9000, destinationSubnets: [10.0.0.0/8], sourceLabels: {app: curl}}]
            route:
            - {destination: {host: echo, subset: prod}, weight: 80}
            - {destination: {host: echo, subset: gray}, weight: 20}
        """;
    return Stream.of(Arguments.of("empty", ""), Arguments.of("every kind", all), Arguments.of("weighted", weighted));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("meshes")
  void roundTrip(String name, String yaml) {
    CompiledMesh mesh = MeshCompiler.compile(new MeshSnapshot(1, ResourceParser.parse("m.yaml", yaml).resources(),
        java.util.List.of()));
    VersionedMesh vm = new VersionedMesh(42, mesh);
    MeshWire.Published decoded = MeshWire.decode(MeshWire.encode(new MeshWire.Published(vm, 3, "gateway a")));
    assertEquals(vm, decoded.mesh());
    assertEquals(vm.version(), decoded.mesh().version());
    assertEquals(3, decoded.epoch());
    assertEquals("gateway a", decoded.leader());
    if (!yaml.isEmpty()) {
      assertFalse(mesh.services().isEmpty() && mesh.virtualServices().isEmpty(), "the fixture compiles to something");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{}", "[]", "{\"generation\": 1}", "not json", "{\"generation\":\"x\",\"mesh\":{}}"})
  void refusesWhatIsNotAPublishedVersion(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MeshWire.decode(text));
    assertTrue(e.getMessage().contains("not a published mesh version"), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void refusesAVersionWhoseContentDoesNotMatch() {
    CompiledMesh mesh = MeshCompiler.compile(MeshSnapshot.of(java.util.List.of()));
    String json = MeshWire.encode(new MeshWire.Published(new VersionedMesh(5, mesh), 1, "x"))
        .replace("\"version\":\"5-", "\"version\":\"6-");
    assertThrows(IllegalArgumentException.class, () -> MeshWire.decode(json));
  }
}
