package io.vxmesh.cli;

import io.vertx.core.json.JsonObject;
import io.vxmesh.compile.CompiledMesh;
import io.vxmesh.compile.MeshCompiler;
import io.vxmesh.compile.ProxyIdentity;
import io.vxmesh.compile.ProxyTable;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.resource.Finding;
import io.vxmesh.resource.ResourceParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Start-up work that needs no flag, done on threads of their own while {@code main} builds the
 * command line and parses the flags (picocli takes ~150 ms of a start, on one CPU): Netty's native
 * transport library is loaded, and a small mesh is parsed, compiled, digested and specialised for a gateway
 * and a sidecar, so that the classes, serialisers and interpreter state of that path are ready when
 * the real configuration arrives. Nothing it builds is kept: Jackson caches its serialisers, and the
 * JVM its initialised classes. A failure here is logged at debug level and changes nothing (the real
 * start does the same work again and reports its own errors).
 */
public final class Warmup {
  /** Looked up when first used, off {@code main} (as JitPriority's: see there). */
  private static Logger log() {
    return Logger.getLogger(Warmup.class.getName());
  }

  /** A gateway, its route, the Service and Pod behind it, SMI policy and an egress rule. */
  static final String SAMPLE = """
      apiVersion: networking.istio.io/v1beta1
      kind: Gateway
      metadata: {name: warmup, namespace: istio-system}
      spec:
        selector: {istio: warmup}
        servers: [{port: {number: 15999, name: tcp, protocol: TCP}, hosts: ["*"]}]
      ---
      apiVersion: networking.istio.io/v1beta1
      kind: VirtualService
      metadata: {name: warmup, namespace: default}
      spec:
        hosts: ["*"]
        gateways: [istio-system/warmup]
        tcp:
        - match: [{port: 15999}]
          route: [{destination: {host: warmup.default.svc.cluster.local, port: {number: 15998}}}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: warmup, namespace: default}
      spec:
        clusterIP: 10.96.0.10
        selector: {app: warmup}
        ports: [{name: tcp, port: 15998}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: warmup-0, namespace: default, labels: {app: warmup}}
      spec: {serviceAccountName: warmup}
      status: {phase: Running, podIP: 127.0.0.1}
      ---
      apiVersion: access.smi-spec.io/v1alpha3
      kind: TrafficTarget
      metadata: {name: warmup, namespace: default}
      spec:
        destination: {kind: ServiceAccount, name: warmup, namespace: default}
        sources: [{kind: ServiceAccount, name: warmup, namespace: default}]
        rules: [{kind: TCPRoute, name: warmup}]
      ---
      apiVersion: specs.smi-spec.io/v1alpha4
      kind: TCPRoute
      metadata: {name: warmup, namespace: default}
      spec: {matches: {ports: [15998]}}
      ---
      apiVersion: policy.openservicemesh.io/v1alpha1
      kind: Egress
      metadata: {name: warmup, namespace: default}
      spec:
        sources: [{kind: ServiceAccount, name: warmup, namespace: default}]
        hosts: [example.com]
        ports: [{number: 443, protocol: https}]
      """;

  private Warmup() {}

  /**
   * Starts the warm-up on daemon threads and returns at once. With more than one CPU, on two: one
   * loads Netty's native transport library and Vert.x's JSON codec (what building the Vert.x instance needs
   * first), the other parses, compiles and specialises the sample (what the first real compile
   * needs); measured 20-50 ms sooner at /ready on 2 CPUs than one thread doing both, which is what
   * a single CPU gets (there the second thread only competed).
   */
  public static List<Thread> start() {
    return start(Runtime.getRuntime().availableProcessors());
  }

  static List<Thread> start(int cpus) {
    if (cpus < 2) {
      return List.of(Thread.ofPlatform().name("vxmesh-warmup").daemon().start(Warmup::run));
    }
    return List.of(
        Thread.ofPlatform().name("vxmesh-warmup-netty").daemon().start(() -> step("Netty and JSON", Warmup::netty)),
        Thread.ofPlatform().name("vxmesh-warmup-mesh").daemon().start(() -> step("mesh", Warmup::exercise)));
  }

  /** The whole warm-up on the calling thread; false when a step failed (logged; no effect on the proxy). */
  static boolean run() {
    return step("Netty and JSON", Warmup::netty) & step("mesh", Warmup::exercise);
  }

  private static void netty() {
    // The native transport auto takes: io_uring's library, else epoll's.
    if (!io.netty.channel.uring.IoUring.isAvailable()) {
      io.netty.channel.epoll.Epoll.isAvailable();
    }
    new JsonObject().put("warmup", 1).toBuffer();
  }

  private static boolean step(String what, Runnable r) {
    try {
      r.run();
      return true;
    } catch (RuntimeException | LinkageError e) {
      log().log(Level.FINE, "start-up warm-up (" + what + ") failed (no effect on the proxy)", e);
      return false;
    }
  }

  /** What the sample gives: parser and compiler findings, and the tables of a gateway and a sidecar. */
  record Exercise(List<Finding> findings, CompiledMesh mesh, ProxyTable gateway, ProxyTable sidecar) {}

  /** Parses, compiles (with its digest) and specialises the sample, as a proxy does with the real mesh. */
  static Exercise exercise() {
    ResourceParser.Result parsed = ResourceParser.parse("warm-up.yaml", SAMPLE);
    CompiledMesh mesh = MeshCompiler.compile(MeshSnapshot.of(parsed.resources()));
    List<Finding> findings = new ArrayList<>(parsed.findings());
    findings.addAll(mesh.findings());
    return new Exercise(findings, mesh,
        mesh.forProxy(ProxyIdentity.gateway("istio-system", Map.of("istio", "warmup")), "warmup"),
        mesh.forProxy(ProxyIdentity.sidecar("default", "warmup-0", "warmup", Map.of("app", "warmup")), "warmup"));
  }
}
