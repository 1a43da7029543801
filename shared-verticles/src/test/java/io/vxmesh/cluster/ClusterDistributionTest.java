package io.vxmesh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vxmesh.cli.ProxyLauncher;
import io.vxmesh.compile.ProxyIdentity;
import io.vxmesh.config.ProxyConfig;
import io.vxmesh.proxy.AccessLog;
import io.vxmesh.proxy.ProxyRuntime;
import io.vxmesh.proxy.RandomSource;
import io.vxmesh.testing.MockKubernetes;
import io.vxmesh.testing.Ports;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members in one JVM (each its own Hazelcast member and clustered Vert.x), the Kubernetes source
 * on the mock API server: one leader, every member at the same version, fail-over, late joiner.
 * The same with separate processes and a killed leader: the jar-level cluster test in sidecar/.
 */
class ClusterDistributionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String HOST = "127.0.0.1";

  @TempDir
  Path dir;

  MockKubernetes api;
  final List<ProxyLauncher.Running> members = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A role with no listeners: the cluster machinery alone. */
  record Bare(ProxyIdentity.Role role) implements ProxyLauncher.RoleModule {
    @Override
    public Future<?> deploy(Vertx vertx, ProxyRuntime runtime, ProxyConfig config) {
      return Future.succeededFuture();
    }
  }

  static int freePort() throws IOException {
    return Ports.belowEphemeral(HOST);
  }

  static String vs(String host) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: vs, namespace: demo}
        spec:
          hosts: ['*']
          gateways: [mesh]
          tcp: [{route: [{destination: {host: %s}}]}]
        """.formatted(host);
  }

  ProxyLauncher.Running start(ProxyIdentity.Role role, String name, int port, List<Integer> ports, boolean source)
      throws Exception {
    StringBuilder list = new StringBuilder();
    for (int p : ports) {
      list.append(list.isEmpty() ? "" : ",").append(HOST).append(':').append(p);
    }
    JsonObject flags = new JsonObject()
        .put("namespace", "demo").put("labels", "app=" + name).put("pod", name).put("serviceAccount", name)
        .put("admin", HOST + ":0").put("eventLoops", 1).put("drainTimeout", "1s")
        .put("cluster", true).put("clusterMembers", list.toString()).put("clusterHost", HOST).put("clusterPort", port).put("clusterBusPort", 0);
    if (source) {
      flags.put("kubeconfig", api.kubeconfig(dir).toString());
    }
    ProxyLauncher.Running r = ProxyLauncher.start(flags, Map.of(), new Bare(role),
        new ProxyLauncher.Overrides(RandomSource.seeded(1), AccessLog.off())).await(60, TimeUnit.SECONDS);
    members.add(r);
    return r;
  }

  /** How many times a member found no data member to join (from the log). */
  static int joinAttempts() {
    return WAITING.get();
  }

  static final java.util.concurrent.atomic.AtomicInteger WAITING = new java.util.concurrent.atomic.AtomicInteger();

  /** Held: JUL drops a logger (and its handlers) nobody references. */
  static final java.util.logging.Logger SETUP_LOG = java.util.logging.Logger.getLogger(HazelcastSetup.class.getName());

  static {
    SETUP_LOG.addHandler(new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        if (r.getMessage() != null && r.getMessage().contains("waits for one")) {
          WAITING.incrementAndGet();
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
  }

  static String version(ProxyLauncher.Running r) {
    return r.runtime().tables().applied().version();
  }

  static long generation(ProxyLauncher.Running r) {
    return r.runtime().tables().applied().generation();
  }

  static void await(String what, BooleanSupplier c) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  static boolean same(List<ProxyLauncher.Running> rs, String notThis) {
    String v = version(rs.get(0));
    return !v.isEmpty() && !v.equals(notThis) && rs.stream().allMatch(r -> version(r).equals(v));
  }

  static String leader(ProxyLauncher.Running any) throws Exception {
    String latest = any.vertx().sharedData().<String, String>getAsyncMap(ClusterNames.MESH_MAP)
        .compose(m -> m.get(ClusterNames.LATEST)).await(10, TimeUnit.SECONDS);
    return MeshWire.decode(latest).leader();
  }

  @AfterEach
  void tearDown() throws Exception {
    // Lite members first: they need a data member to leave cleanly.
    for (ProxyLauncher.Running r : members.reversed()) {
      r.close().otherwiseEmpty().await(20, TimeUnit.SECONDS);
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void oneLeaderEveryMemberTheSameVersionFailOverAndLateJoiner() throws Exception {
    api = new MockKubernetes();
    api.apply(vs("echo-1"));
    List<Integer> ports = List.of(freePort(), freePort(), freePort(), freePort());
    ProxyLauncher.Running a = start(ProxyIdentity.Role.GATEWAY, "gw-a", ports.get(0), ports, true);
    ProxyLauncher.Running b = start(ProxyIdentity.Role.GATEWAY, "gw-b", ports.get(1), ports, true);
    ProxyLauncher.Running c = start(ProxyIdentity.Role.SIDECAR, "sidecar-c", ports.get(2), ports, false);
    List<ProxyLauncher.Running> all = List.of(a, b, c);
    await("all three at one version", () -> same(all, null));
    assertTrue(c.runtime().readiness().isReady(), c.runtime().readiness().pending().toString());
    String first = version(a);

    api.apply(vs("echo-2"));
    await("the change everywhere", () -> same(all, first));
    String second = version(a);
    assertEquals(generation(a), Long.parseLong(first.split("-")[0]) + 1, "one new generation per change");

    String leaderName = leader(c);
    ProxyLauncher.Running leader = leaderName.contains("gw-a") ? a : b;
    ProxyLauncher.Running survivor = leader == a ? b : a;
    members.remove(leader);
    leader.close().await(30, TimeUnit.SECONDS);

    api.apply(vs("echo-3"));
    List<ProxyLauncher.Running> left = List.of(survivor, c);
    await("the change after fail-over", () -> same(left, second));
    assertTrue(generation(survivor) > Long.parseLong(second.split("-")[0]), "the new leader continues the sequence");
    assertNotEquals(leaderName, leader(c));

    ProxyLauncher.Running late = start(ProxyIdentity.Role.SIDECAR, "late", ports.get(3), ports, false);
    await("the late joiner ready", () -> late.runtime().readiness().isReady());
    assertEquals(version(survivor), version(late), "ready only once the current version is applied");
  }

  /** Every data member gone at once (the map with them): a sidecar follows the next leader. */
  @Test
  void aSidecarFollowsANewLeaderAfterEveryDataMemberWentAway() throws Exception {
    api = new MockKubernetes();
    api.apply(vs("echo-1"));
    List<Integer> ports = List.of(freePort(), freePort(), freePort());
    ProxyLauncher.Running a = start(ProxyIdentity.Role.GATEWAY, "gw-a", ports.get(0), ports, true);
    ProxyLauncher.Running c = start(ProxyIdentity.Role.SIDECAR, "sidecar-c", ports.get(2), ports, false);
    await("both at one version", () -> same(List.of(a, c), null));
    String before = version(c);
    members.remove(a);
    a.close().await(30, TimeUnit.SECONDS);

    api.apply(vs("echo-2"));
    ProxyLauncher.Running b = start(ProxyIdentity.Role.GATEWAY, "gw-b", ports.get(1), ports, true);
    await("the sidecar at the new leader's version", () -> same(List.of(b, c), before));
  }

  /** A sidecar started before any gateway (alone, it forms a cluster of its own) joins when one comes. */
  @Test
  void aSidecarStartedBeforeAnyGatewayFollowsTheFirstLeader() throws Exception {
    api = new MockKubernetes();
    api.apply(vs("echo-1"));
    List<Integer> ports = List.of(freePort(), freePort());
    // The sidecar waits for a data member to exist; start it in the background, then the gateway.
    java.util.concurrent.CompletableFuture<ProxyLauncher.Running> sidecar = java.util.concurrent.CompletableFuture
        .supplyAsync(() -> {
          try {
            return start(ProxyIdentity.Role.SIDECAR, "sidecar-c", ports.get(1), ports, false);
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        });
    await("the sidecar waiting for a gateway", () -> !sidecar.isDone() && joinAttempts() > 0);
    ProxyLauncher.Running a = start(ProxyIdentity.Role.GATEWAY, "gw-a", ports.get(0), ports, true);
    ProxyLauncher.Running c = sidecar.get(60, TimeUnit.SECONDS);
    await("the sidecar at the leader's version", () -> same(List.of(a, c), null));
    String first = version(c);
    api.apply(vs("echo-2"));
    await("and at the next", () -> same(List.of(a, c), first));
  }
}
