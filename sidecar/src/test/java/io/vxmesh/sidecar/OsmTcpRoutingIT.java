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

  // ncat, not OpenBSD nc: OpenBSD nc exits 0 after a reset (it reports connect failures only), ncat exits 1.
  static final String NC = "echo hello | ncat -w 5 tcp-echo.tcp-demo 9000";

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

  /** Waits until both sidecars run the same compiled mesh, and not the one of {@code digest}. */
  static void awaitBothAt(String digest) throws Exception {
    MeshLab.awaitTrue("sidecars at a new version", () -> !lab.digest(curl).equals(digest)
        && lab.digest(curl).equals(lab.digest(echo)));
  }

  @Test
  @Order(1)
  void permissiveModeEchoes() throws Exception {
    MeshLab.Result r = lab.app(curl, NC);
    assertEquals("echo response: hello\n", r.out(), r.err() + lab.log("sidecar-" + curl.name()));
    assertEquals(0, r.exit());
    // The access log is written off the event loop: wait for the lines.
    MeshLab.awaitTrue("the client's record", () -> lab.accessLog(curl)
        .contains("\"upstream_host\":\"tcp-echo.tcp-demo.svc.cluster.local:9000\""));
    MeshLab.awaitTrue("the server's inbound record", () -> lab.accessLog(echo).contains("\"listener\":\"inbound\""));
  }

  static final String SMI_POLICY = """
      # TCP route to allows access to tcp-echo:9000
      apiVersion: specs.smi-spec.io/v1alpha4
      kind: TCPRoute
      metadata:
        name: tcp-echo-route
        namespace: tcp-demo
      spec:
        matches:
          ports:
          - 9000
      ---
      # Traffic target to allow curl app to access tcp-echo service using a TCPRoute
      kind: TrafficTarget
      apiVersion: access.smi-spec.io/v1alpha3
      metadata:
        name: tcp-access
        namespace: tcp-demo
      spec:
        destination:
          kind: ServiceAccount
          name: tcp-echo
          namespace: tcp-demo
        sources:
        - kind: ServiceAccount
          name: curl
          namespace: curl
        rules:
        - kind: TCPRoute
          name: tcp-echo-route
      """;

  @Test
  @Order(2)
  void smiModeWithoutPolicyDenies() throws Exception {
    String before = lab.digest(curl);
    meshConfig(false);
    awaitBothAt(before);
    MeshLab.Result r = lab.app(curl, NC);
    assertEquals("", r.out());
    assertEquals(1, r.exit(), "nc fails as in the seed (command terminated with exit code 1)");
    MeshLab.awaitTrue("the denial in the client's access log",
        () -> lab.accessLog(curl).contains("\"close_reason\":\"denied\""));
  }

  @Test
  @Order(3)
  void theSeedsTrafficTargetAllowsItAgain() throws Exception {
    String before = lab.digest(curl);
    lab.write("smi.yaml", SMI_POLICY);
    awaitBothAt(before);
    MeshLab.Result r = lab.app(curl, NC);
    assertEquals("echo response: hello\n", r.out(), r.err());
    assertEquals(0, r.exit());
  }

  /** The server's sidecar checks too: a client whose own sidecar would not stop it is refused there. */
  @Test
  @Order(4)
  void theServerSideRefusesSourcesThePolicyDoesNotName() throws Exception {
    MeshLab.Pod other = lab.pod("curl", "curl-other", "other", Map.of("app", "other"));
    // Unmeshed (no sidecar): straight to the tcp-echo pod's address, so only its inbound side decides.
    MeshLab.Result r = lab.app(other, "echo hello | ncat -w 5 " + echo.ip() + " 9000");
    assertEquals("", r.out());
    assertEquals(1, r.exit(), r.err());
    // The access log is written off the event loop: wait for the line.
    MeshLab.awaitTrue("the refusal in the server's access log",
        () -> lab.accessLog(echo).contains("may not reach tcp-demo/tcp-echo on port 9000"));
    // The allowed client is still served.
    assertEquals("echo response: hello\n", lab.app(curl, NC).out());
  }

  @Test
  @Order(5)
  void removingThePolicyRevokesNewAndOpenConnections() throws Exception {
    java.nio.file.Path shared = lab.work().resolve("shared");
    java.nio.file.Files.createDirectories(shared);
    java.nio.file.Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    java.nio.file.Path go = shared.resolve("go");
    java.nio.file.Path out = shared.resolve("out");
    // A connection that stays open: it sends "a", waits for a signal, then sends "b".
    Process held = lab.start(curl, MeshLab.APP_UID, "held-nc", "sh", "-c",
        "(echo a; while [ ! -e " + go + " ]; do sleep 0.05; done; echo b) | nc -N tcp-echo.tcp-demo 9000 > " + out);
    MeshLab.awaitTrue("first answer on the open connection",
        () -> java.nio.file.Files.exists(out) && java.nio.file.Files.readString(out).contains("echo response: a"));

    String before = lab.digest(curl);
    lab.delete("smi.yaml");
    awaitBothAt(before);
    java.nio.file.Files.createFile(go);
    held.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals("echo response: a\n", java.nio.file.Files.readString(out), "the open connection was cut");
    MeshLab.awaitTrue("the revocation in the client's access log",
        () -> lab.accessLog(curl).contains("authorisation revoked"));

    MeshLab.Result r = lab.app(curl, NC);
    assertEquals("", r.out());
    assertEquals(1, r.exit());
  }
}
