package io.vxmesh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.transport.Transport;
import io.vxmesh.common.Addresses;
import io.vxmesh.common.LocalCodec;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.resource.ResourceParser;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A leader that was taken for dead (Hazelcast freed its lock) while it kept running: a successor
 * leads, and the old leader is fenced at its next write. It must leave its successor's lock alone,
 * and lead again once the successor goes.
 */
class LeaderFencingTest {
  static final String HOST = "127.0.0.1";
  static final String RESNAPSHOT = "test.resnapshot";
  Vertx a;
  Vertx b;
  LeaderVerticle la;
  LeaderVerticle lb;

  @AfterEach
  void tearDown() throws Exception {
    for (Vertx v : new Vertx[] {a, b}) {
      if (v != null) {
        v.close().otherwiseEmpty().await(30, TimeUnit.SECONDS);
      }
    }
  }

  static int freePort() throws Exception {
    return ClusterDistributionTest.freePort();
  }

  static Vertx member(int port, List<Integer> ports) throws Exception {
    return HazelcastSetup.start(new VertxOptions().setEventLoopPoolSize(1), Transport.NIO, new ClusterOptions(
        ports.stream().map(p -> HOST + ":" + p).toList(), HOST, port, null, false)).await(60, TimeUnit.SECONDS);
  }

  static MeshSnapshot snapshot(String host) {
    return MeshSnapshot.of(ResourceParser.parse("vs.yaml", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: vs, namespace: demo}
        spec:
          hosts: ['*']
          gateways: [mesh]
          tcp: [{route: [{destination: {host: %s}}]}]
        """.formatted(host)).resources());
  }

  /** A discovery stand-in: one snapshot at start, another whenever told. */
  static final class Source extends VerticleBase {
    final String host;

    Source(String host) {
      this.host = host;
    }

    @Override
    public Future<?> start() {
      LocalCodec.register(vertx, MeshSnapshot.class);
      return vertx.eventBus().<String>localConsumer(RESNAPSHOT,
              m -> vertx.eventBus().publish(Addresses.SNAPSHOT, snapshot(m.body()))).completion()
          .andThen(x -> vertx.eventBus().publish(Addresses.SNAPSHOT, snapshot(host)));
    }
  }

  static boolean leaderIs(Vertx v, String name) {
    try {
      String l = ClusterFeedVerticle.latest(v).await(10, TimeUnit.SECONDS);
      return l != null && MeshWire.decode(l).leader().equals(name);
    } catch (Exception e) {
      return false;
    }
  }

  static void await(String what, BooleanSupplier c) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** a leads; its lock is freed as for a member Hazelcast removed; b takes over; a is fenced. */
  void fenceA() throws Exception {
    int pa = freePort();
    int pb = freePort();
    a = member(pa, List.of(pa, pb));
    b = member(pb, List.of(pa, pb));
    la = new LeaderVerticle(() -> new Source("echo-1"), "a");
    a.deployVerticle(la, new DeploymentOptions()).await(30, TimeUnit.SECONDS);
    await("a leads and published", () -> la.leading() && leaderIs(a, "a"));
    ((io.vertx.spi.cluster.hazelcast.HazelcastClusterManager) ((io.vertx.core.internal.VertxInternal) a)
        .clusterManager()).getHazelcastInstance().getMap("__vertx.map.lock").forceUnlock(ClusterNames.LEADER_LOCK);
    lb = new LeaderVerticle(() -> new Source("echo-2"), "b");
    b.deployVerticle(lb, new DeploymentOptions()).await(30, TimeUnit.SECONDS);
    await("b leads and published", () -> lb.leading() && leaderIs(b, "b"));
    a.eventBus().send(RESNAPSHOT, "echo-3", new DeliveryOptions().setLocalOnly(true)); // a's write is fenced
    await("a fenced", () -> !la.leading());
  }

  @Test
  void aFencedLeaderLeavesItsSuccessorsLockAlone() throws Exception {
    fenceA();
    // Give a the time of several campaigns: with the lock held by b, none may succeed.
    Thread.sleep(4 * LeaderVerticle.CAMPAIGN_WAIT_MS);
    long epochs = b.sharedData().getCounter(ClusterNames.EPOCH_COUNTER).compose(c -> c.get())
        .await(10, TimeUnit.SECONDS);
    assertEquals(2, epochs, "the leader lock was taken while b held it (b leading: " + lb.leading() + ")");
    assertEquals(true, lb.leading());
  }

  @Test
  void aFencedMemberLeadsAgainWhenTheLeaderGoes() throws Exception {
    fenceA();
    b.close().await(30, TimeUnit.SECONDS);
    b = null;
    await("a leads again and publishes", () -> leaderIs(a, "a") && la.leading());
  }
}
