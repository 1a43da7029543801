package io.vxmesh.proxy;

import io.netty.channel.Channel;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.AddressResolverOptions;
import io.vxmesh.common.IpAddress;
import io.vxmesh.compile.CompiledMesh;
import io.vxmesh.compile.ConnectionFacts;
import io.vxmesh.compile.Decision;
import io.vxmesh.compile.MeshCompiler;
import io.vxmesh.compile.ProxyIdentity;
import io.vxmesh.compile.ProxyTable;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.policy.VersionedMesh;
import io.vxmesh.resource.ResourceParser;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A sidecar's outbound listener in the test JVM, without iptables: every accepted connection is
 * taken to have been going to {@code 127.0.0.1:<destinationPort>} (what SO_ORIGINAL_DST would say),
 * and is decided and served by the real session code with the table compiled from the manifests.
 */
final class EgressHarness implements AutoCloseable {
  final Vertx vertx;
  final ProxyRuntime rt;
  final List<AccessRecord> log = new CopyOnWriteArrayList<>();
  final int port;
  /** The listener's deployment, for tests that undeploy it (drain). */
  final String listenerDeployment;
  /** The role every listener of this harness uses (a second listener on the same port can share it). */
  final ListenerRole role;
  private final ProxyIdentity identity;
  private long generation;

  /** Connections go to 127.0.0.1:destinationPort; the proxy resolves httpbin.org to 127.0.0.1. */
  EgressHarness(ProxyIdentity identity, int destinationPort, String manifests) throws Exception {
    this(identity, "127.0.0.1", destinationPort, manifests, "127.0.0.1 httpbin.org\n");
  }

  /**
   * @param destination what SO_ORIGINAL_DST would say each connection was going to
   * @param hosts       the proxy's hosts file (how it resolves the Host of http egress requests)
   */
  EgressHarness(ProxyIdentity identity, String destination, int destinationPort, String manifests, String hosts)
      throws Exception {
    this.identity = identity;
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1)
        .setAddressResolverOptions(new AddressResolverOptions().setHostsValue(Buffer.buffer(hosts)))).build();
    AccessLog accessLog = AccessLog.off();
    accessLog.tap(log::add);
    rt = new ProxyRuntime(new TableRef(identity), new ProxyMetrics(), accessLog, new Readiness(),
        RandomSource.seeded(7), new ConnectionLimits(),
        Upstreams.of(vertx), Duration.ofSeconds(1));
    apply(manifests);
    ListenerRole fixed = new ListenerRole(ListenerRole.Direction.OUTBOUND) {
      @Override
      ConnectionFacts facts(Channel accepted, int listenerPort) {
        return new ConnectionFacts(listenerPort, IpAddress.parse(destination), destinationPort);
      }

      @Override
      Decision decide(ProxyTable table, ConnectionFacts facts, IpAddress peer) {
        return table.decide(facts);
      }
    };
    role = fixed;
    ListenerVerticle listener = new ListenerVerticle(rt, "outbound", "127.0.0.1", 0, fixed);
    listenerDeployment = vertx.deployVerticle(listener, new DeploymentOptions()).await(10, TimeUnit.SECONDS);
    port = listener.actualPort();
  }

  /** Compiles the manifests and puts the table in force, as the table verticle would. */
  void apply(String manifests) {
    ResourceParser.Result parsed = ResourceParser.parse("test.yaml", manifests);
    if (!parsed.parsed() || parsed.findings().stream().anyMatch(f -> f.isError())) {
      throw new IllegalArgumentException("bad test manifests: " + parsed.findings());
    }
    CompiledMesh mesh = MeshCompiler.compile(MeshSnapshot.of(parsed.resources()));
    VersionedMesh vm = new VersionedMesh(++generation, mesh);
    rt.tables().set(new TableRef.Applied(mesh.forProxy(identity, vm.version()), vm));
  }

  AccessRecord awaitRecord(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (log.size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for access record " + n + "; have " + log);
      }
      Thread.sleep(10);
    }
    return log.get(n - 1);
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
