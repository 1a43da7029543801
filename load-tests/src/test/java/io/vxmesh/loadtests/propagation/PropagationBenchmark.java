package io.vxmesh.loadtests.propagation;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vxmesh.cli.ProxyLauncher;
import io.vxmesh.cluster.MeshWire;
import io.vxmesh.common.Addresses;
import io.vxmesh.compile.CompiledMesh;
import io.vxmesh.compile.MeshCompiler;
import io.vxmesh.compile.ProxyIdentity;
import io.vxmesh.config.ProxyConfig;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.policy.VersionedMesh;
import io.vxmesh.proxy.AccessLog;
import io.vxmesh.proxy.ProxyRuntime;
import io.vxmesh.proxy.RandomSource;
import io.vxmesh.proxy.TableRef;
import io.vxmesh.resource.ResourceParser;
import io.vxmesh.testing.MockKubernetes;
import io.vxmesh.testing.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Propagation benchmark (issue 6): API write -> every member applied, p50/p99 over 200 changes,
 * with three cluster members (a leading gateway watching fabric8's mock API server, a second
 * gateway, a lite sidecar), each its own Hazelcast member and clustered Vert.x on loopback; then
 * compile time for 10 000 routes and the size of that mesh on the wire. Prints figures; asserts
 * only that every change arrived. Not part of verify (the class name matches no test pattern): run
 * <pre>./mvnw -B -pl load-tests -am verify -Dtest=PropagationBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * Bounded: 220 changes, each waited for at most 10 s.
 */
class PropagationBenchmark {
  static final int WARMUP = 20;
  static final int CHANGES = 200;
  static final int ROUTES = 10_000;
  static final String HOST = "127.0.0.1";

  record Bare(ProxyIdentity.Role role) implements ProxyLauncher.RoleModule {
    @Override
    public Future<?> deploy(Vertx vertx, ProxyRuntime runtime, ProxyConfig config) {
      return Future.succeededFuture();
    }
  }

  static int freePort() throws IOException {
    return Ports.belowEphemeral(HOST);
  }

  static String vs(int i) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: bench, namespace: demo}
        spec:
          hosts: ['*']
          tcp: [{match: [{port: %d}], route: [{destination: {host: echo}}]}]
        """.formatted(20_000 + i);
  }

  @Test
  void propagationAndCompileTime() throws Exception {
    propagation();
    compileTime();
  }

  void propagation() throws Exception {
    Path dir = Files.createTempDirectory("vxmesh-propagation");
    List<ProxyLauncher.Running> members = new ArrayList<>();
    try (MockKubernetes api = new MockKubernetes()) {
      api.apply(vs(0));
      List<Integer> ports = List.of(freePort(), freePort(), freePort());
      String list = String.join(",", ports.stream().map(p -> HOST + ":" + p).toList());
      ProxyIdentity.Role[] roles = {ProxyIdentity.Role.GATEWAY, ProxyIdentity.Role.GATEWAY, ProxyIdentity.Role.SIDECAR};
      // generation -> nanoTime at which the last member applied it
      List<Map<Long, Long>> applied = new ArrayList<>();
      for (int m = 0; m < 3; m++) {
        JsonObject flags = new JsonObject().put("namespace", "demo").put("labels", "app=m" + m)
            .put("pod", "m" + m).put("serviceAccount", "m" + m).put("admin", HOST + ":0").put("eventLoops", 1)
            .put("cluster", true).put("clusterMembers", list).put("clusterHost", HOST).put("clusterPort", ports.get(m)).put("clusterBusPort", 0);
        if (roles[m] == ProxyIdentity.Role.GATEWAY) {
          flags.put("kubeconfig", api.kubeconfig(dir).toString());
        }
        ProxyLauncher.Running r = ProxyLauncher.start(flags, Map.of(), new Bare(roles[m]),
            new ProxyLauncher.Overrides(RandomSource.seeded(m), AccessLog.off())).await(60, TimeUnit.SECONDS);
        members.add(r);
        Map<Long, Long> times = new ConcurrentHashMap<>();
        applied.add(times);
        r.vertx().eventBus().<TableRef.Applied>localConsumer(Addresses.TABLE,
            msg -> times.putIfAbsent(msg.body().generation(), System.nanoTime()));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!members.stream().allMatch(r -> r.runtime().tables().hasMesh())) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("members never got the first version");
        }
        Thread.sleep(10);
      }
      long[] latencies = new long[CHANGES];
      for (int i = 1; i <= WARMUP + CHANGES; i++) {
        long before = members.get(0).runtime().tables().applied().generation();
        long next = before + 1;
        long t0 = System.nanoTime();
        api.apply(vs(i));
        long limit = t0 + TimeUnit.SECONDS.toNanos(10);
        while (!applied.stream().allMatch(t -> t.containsKey(next))) {
          if (System.nanoTime() > limit) {
            throw new AssertionError("change " + i + " (generation " + next + ") did not reach every member in 10 s");
          }
          Thread.onSpinWait();
          Thread.sleep(0, 200_000);
        }
        long last = applied.stream().mapToLong(t -> t.get(next)).max().orElseThrow();
        if (i > WARMUP) {
          latencies[i - WARMUP - 1] = last - t0;
        }
      }
      Arrays.sort(latencies);
      System.out.printf("propagation (API write -> 3 members applied), %d changes: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          CHANGES, latencies[CHANGES / 2] / 1e6, latencies[(int) Math.ceil(CHANGES * 0.99) - 1] / 1e6,
          latencies[CHANGES - 1] / 1e6);
    } finally {
      for (ProxyLauncher.Running r : members.reversed()) {
        r.close().otherwiseEmpty().await(20, TimeUnit.SECONDS);
      }
    }
  }

  /** 100 Services with 4 pods each; 1 000 VirtualServices of 10 tcp rules: 10 000 routes. */
  static String bigMesh() {
    StringBuilder y = new StringBuilder();
    for (int s = 0; s < 100; s++) {
      y.append("""
          apiVersion: v1
          kind: Service
          metadata: {name: svc-%1$d, namespace: demo}
          spec: {selector: {app: svc-%1$d}, clusterIP: 10.96.%2$d.%3$d, ports: [{name: tcp, port: 9000, targetPort: 9000}]}
          ---
          """.formatted(s, s / 200, s % 200 + 1));
      for (int p = 0; p < 4; p++) {
        y.append("""
            apiVersion: v1
            kind: Pod
            metadata: {name: svc-%1$d-%2$d, namespace: demo, labels: {app: svc-%1$d, version: v%3$d}}
            spec: {serviceAccountName: svc-%1$d}
            status: {phase: Running, podIP: 10.1.%1$d.%4$d}
            ---
            """.formatted(s, p, p % 2, p + 1));
      }
    }
    for (int v = 0; v < 1_000; v++) {
      y.append("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: vs-").append(v)
          .append(", namespace: demo}\nspec:\n  hosts: [svc-").append(v % 100).append("]\n  tcp:\n");
      for (int r = 0; r < 10; r++) {
        y.append("  - match: [{port: ").append(10_000 + v * 10 + r).append(", destinationSubnets: [10.")
            .append(v % 250).append('.').append(r).append(".0/24]}]\n    route: [{destination: {host: svc-")
            .append((v + r) % 100).append("}, weight: 80}, {destination: {host: svc-").append((v + r + 1) % 100)
            .append("}, weight: 20}]\n");
      }
      y.append("---\n");
    }
    return y.toString();
  }

  void compileTime() {
    ResourceParser.Result parsed = ResourceParser.parse("big.yaml", bigMesh());
    MeshSnapshot snapshot = new MeshSnapshot(1, parsed.resources(), parsed.findings());
    long routes = snapshot.resources().stream().filter(r -> r instanceof io.vxmesh.model.VirtualService)
        .mapToLong(r -> ((io.vxmesh.model.VirtualService) r).tcp().size()).sum();
    CompiledMesh mesh = null;
    for (int i = 0; i < 5; i++) {
      mesh = MeshCompiler.compile(snapshot);
    }
    long[] runs = new long[10];
    for (int i = 0; i < runs.length; i++) {
      long t0 = System.nanoTime();
      mesh = MeshCompiler.compile(snapshot);
      runs[i] = System.nanoTime() - t0;
    }
    Arrays.sort(runs);
    System.out.printf("compile %d routes (%d resources): median %.1f ms, max %.1f ms (10 runs after 5 warm-up)%n",
        routes, snapshot.resources().size(), runs[runs.length / 2] / 1e6, runs[runs.length - 1] / 1e6);
    VersionedMesh vm = new VersionedMesh(1, mesh);
    long t0 = System.nanoTime();
    String wire = MeshWire.encode(new MeshWire.Published(vm, 1, "bench"));
    long t1 = System.nanoTime();
    MeshWire.Published back = MeshWire.decode(wire);
    long t2 = System.nanoTime();
    if (!back.mesh().equals(vm)) {
      throw new AssertionError("the 10 000-route mesh does not survive the wire");
    }
    System.out.printf("that mesh on the wire: %.1f MiB JSON, encode %.1f ms, decode %.1f ms%n",
        wire.getBytes(StandardCharsets.UTF_8).length / 1048576.0, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
  }
}
