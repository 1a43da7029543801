package io.vxmesh.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vxmesh.testing.MockKubernetes;
import io.vxmesh.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three processes on loopback, as the built jars run: two gateways (data members, leader
 * candidates, watching fabric8's mock API server in this JVM) and one sidecar (a lite member fed by
 * the cluster, never calling the API; its capture ports are free loopback ports, so no root is needed). A VirtualService change reaches all three with one version;
 * killing the leader (SIGKILL) hands leadership over and changes still propagate; a sidecar that
 * joins late reports ready only with the current version.
 */
class ClusterJarIT {
  static final Path ROOT = Path.of(System.getProperty("vxmesh.root", ".."));
  static final Path GATEWAY_JAR = ROOT.resolve("gateway/target/vxmesh-gateway.jar");
  static final Path SIDECAR_JAR = ROOT.resolve("sidecar/target/vxmesh-sidecar.jar");
  static final String HOST = "127.0.0.1";
  static final Duration WAIT = Duration.ofSeconds(60);
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path dir;

  MockKubernetes api;
  final List<Member> members = new ArrayList<>();

  record Member(String name, Process process, int admin, Path log) {
    String ready() {
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + admin + "/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body().trim() : "";
      } catch (IOException e) {
        return "";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "";
      }
    }

    /** The version in force once ready, else "". */
    String version() {
      String r = ready();
      return r.startsWith("ready ") ? r.substring("ready ".length()) : "";
    }

    String output() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "";
      }
    }
  }

  static int freePort() throws IOException {
    return Ports.belowEphemeral(HOST);
  }

  static String vs(String host) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: demo, namespace: demo}
        spec:
          hosts: ['*']
          gateways: [mesh, istio-system/ingressgateway-1]
          tcp: [{route: [{destination: {host: %s}}]}]
        """.formatted(host);
  }

  Member start(String name, Path jar, List<String> clusterPorts, int clusterPort, String... roleFlags)
      throws IOException {
    int admin = freePort();
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString()));
    cmd.addAll(List.of(roleFlags));
    cmd.addAll(List.of("--admin", HOST + ":" + admin, "--event-loops", "1", "--access-log", "off",
        "--cluster", "--cluster-host", HOST, "--cluster-port", Integer.toString(clusterPort), "--cluster-bus-port", "0",
        "--cluster-members", String.join(",", clusterPorts)));
    Path log = dir.resolve(name + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Member m = new Member(name, p, admin, log);
    members.add(m);
    return m;
  }

  static void await(String what, BooleanSupplier c, List<Member> show) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        StringBuilder sb = new StringBuilder("timed out waiting for " + what);
        for (Member m : show) {
          sb.append("\n--- ").append(m.name).append(" (ready: ").append(m.ready()).append(")\n");
          String out = m.output();
          sb.append(out, Math.max(0, out.length() - 3000), out.length());
        }
        throw new AssertionError(sb.toString());
      }
      Thread.sleep(50);
    }
  }

  static boolean sameVersion(List<Member> ms, String notThis) {
    String v = ms.get(0).version();
    return !v.isEmpty() && !v.equals(notThis) && ms.stream().allMatch(m -> m.version().equals(v));
  }

  @AfterEach
  void stop() throws Exception {
    for (Member m : members) {
      m.process.destroyForcibly();
    }
    for (Member m : members) {
      m.process.waitFor(10, TimeUnit.SECONDS);
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void aChangeReachesEveryMemberWithOneVersionAndSurvivesTheLeader() throws Exception {
    assumeTrue(Files.isRegularFile(GATEWAY_JAR) && Files.isRegularFile(SIDECAR_JAR),
        "needs both jars: run the whole build (./mvnw verify), which packages the gateway before this module");
    api = new MockKubernetes();
    api.apply(vs("echo-1"));
    String kubeconfig = api.kubeconfig(dir).toString();
    List<Integer> ports = List.of(freePort(), freePort(), freePort(), freePort());
    List<String> members = ports.stream().map(p -> HOST + ":" + p).toList();

    Member gw1 = start("gateway-1", GATEWAY_JAR, members, ports.get(0), "--kubeconfig", kubeconfig,
        "--namespace", "istio-system", "--labels", "istio=ingressgateway-1", "--address", HOST);
    await("gateway-1 ready", () -> !gw1.version().isEmpty(), List.of(gw1));
    Member gw2 = start("gateway-2", GATEWAY_JAR, members, ports.get(1), "--kubeconfig", kubeconfig,
        "--namespace", "istio-system", "--labels", "istio=ingressgateway-2", "--address", HOST);
    Member sc = start("sidecar", SIDECAR_JAR, members, ports.get(2), "--namespace", "demo", "--pod", "client-1",
        "--service-account", "client", "--labels", "app=client", "--outbound-port", Integer.toString(freePort()),
        "--inbound-port", Integer.toString(freePort()));
    List<Member> three = List.of(gw1, gw2, sc);
    await("all three at one version", () -> sameVersion(three, null), three);
    assertTrue(gw1.output().contains("leads the cluster"), "the first gateway leads:\n" + gw1.output());
    assertTrue(!sc.output().contains("watching the Kubernetes API"), "a lite member never calls the API");
    String first = gw1.version();

    api.apply(vs("echo-2"));
    await("the change on all three", () -> sameVersion(three, first), three);
    String second = gw1.version();

    long killed = System.nanoTime();
    gw1.process.destroyForcibly(); // SIGKILL: no goodbye to the cluster
    gw1.process.waitFor(10, TimeUnit.SECONDS);
    List<Member> left = List.of(gw2, sc);
    await("gateway-2 takes over", () -> gw2.output().contains("leads the cluster"), left);
    long takeoverMs = (System.nanoTime() - killed) / 1_000_000;
    System.out.println("leader killed -> new leader: " + takeoverMs + " ms");

    api.apply(vs("echo-3"));
    await("the change after the leader died", () -> sameVersion(left, second), left);
    String third = gw2.version();
    assertTrue(Long.parseLong(third.split("-")[0]) > Long.parseLong(second.split("-")[0]),
        "the new leader continues the generation sequence: " + second + " -> " + third);
    assertTrue(takeoverMs < 15_000, "takeover took " + takeoverMs + " ms");

    Member late = start("sidecar-late", SIDECAR_JAR, members, ports.get(3), "--namespace", "demo", "--pod",
        "client-2", "--service-account", "client", "--labels", "app=client", "--outbound-port", Integer.toString(freePort()),
        "--inbound-port", Integer.toString(freePort()));
    await("the late sidecar ready", () -> !late.ready().isEmpty(), List.of(late));
    assertEquals(third, late.version(), "a late joiner is ready only with the current version");
    assertNotEquals(first, third);
  }
}
