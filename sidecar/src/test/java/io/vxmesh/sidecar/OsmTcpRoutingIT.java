package io.vxmesh.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.sidecar.lab.MeshLab;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Seeds 000/001 (OSM "TCP traffic routing"), reproduced with real pods: a curl pod and a tcp-echo
 * pod, each meshed (iptables + sidecar as uid 1500), the tcp-echo Service with {@code appProtocol: tcp}.
 * The transcript: permissive mode -> "echo response: hello"; SMI mode without policy -> nc exits 1;
 * with the seed's TrafficTarget + TCPRoute -> works; policy removed -> fails again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OsmTcpRoutingIT {

  static MeshLab lab;
  static MeshLab.Pod curl;
  static MeshLab.Pod echo;

  static final String NC = "echo hello | nc -N -w 5 tcp-echo.tcp-demo 9000";

  @BeforeAll
  static void cluster() throws Exception {
    String why = MeshLab.unavailable();
    Assumptions.assumeTrue(why == null, why);
    lab = new MeshLab();
    meshConfig(true);
    curl = lab.pod("curl", "curl-54ccc6954c-9rlvp", "curl", Map.of("app", "curl"));
    echo = lab.pod("tcp-demo", "tcp-echo-6656b7c4f8-zt92q", "tcp-echo", Map.of("app", "tcp-echo"));
    lab.service("tcp-demo", "tcp-echo", Map.of("app", "tcp-echo"),
        "[{name: tcp, port: 9000, targetPort: 9000, appProtocol: tcp}]");
    lab.echoApp(echo, 9000, "echo response:");
    lab.sidecar(echo);
    lab.sidecar(curl);
  }

  @AfterAll
  static void teardown() throws Exception {
    if (lab != null) {
      lab.close();
    }
  }

  static void meshConfig(boolean permissive) throws Exception {
    lab.write("meshconfig.yaml", """
        apiVersion: config.openservicemesh.io/v1alpha2
        kind: MeshConfig
        metadata: {name: osm-mesh-config, namespace: osm-system}
        spec:
          traffic: {enablePermissiveTrafficPolicyMode: %s}
        """.formatted(permissive));
  }

  static void awaitBothAt(String version) throws Exception {
    MeshLab.awaitTrue("sidecars at a new version", () -> !lab.version(curl).equals(version)
        && lab.version(curl).equals(lab.version(echo)));
  }

  @Test
  @Order(1)
  void permissiveModeEchoes() throws Exception {
    MeshLab.Result r = lab.app(curl, NC);
    assertEquals("echo response: hello\n", r.out(), r.err() + lab.log("sidecar-" + curl.name()));
    assertEquals(0, r.exit());
    assertTrue(lab.accessLog(curl).contains("\"upstream_host\":\"tcp-echo.tcp-demo.svc.cluster.local:9000\""),
        lab.accessLog(curl));
    assertTrue(lab.accessLog(echo).contains("\"listener\":\"inbound\""), lab.accessLog(echo));
  }
}
