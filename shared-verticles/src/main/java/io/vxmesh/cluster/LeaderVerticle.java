package io.vxmesh.cluster;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Deployable;
import io.vertx.core.VerticleBase;
import io.vertx.core.shareddata.Lock;
import io.vxmesh.policy.PolicyVerticle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Campaigns for the cluster-wide leader lock; while this member holds it, it runs discovery (the
 * source given) and policy, and publishes what they produce. The lock is a Hazelcast map lock
 * (through the Vert.x cluster manager): when the holder dies, Hazelcast frees it once the failure
 * detector removes the member, and the next candidate takes over. A new leader continues the
 * cluster's generation sequence from the latest version in the cluster map (fencing: a version it
 * publishes is always newer than anything published before, see {@link #startGeneration}).
 */
public final class LeaderVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(LeaderVerticle.class.getName());

  /** How long one attempt to take the lock waits before the next. */
  public static final long CAMPAIGN_WAIT_MS = 1_000;

  private final Supplier<? extends Deployable> source;
  private final Supplier<? extends Deployable> companion;
  private final java.util.function.LongSupplier clock;
  private final String member;
  private final List<String> deployed = new ArrayList<>();
  private Lock lock;
  private boolean stopping;
  private volatile boolean leading;

  /** @param source makes the discovery verticle to run while leading */
  public LeaderVerticle(Supplier<? extends Deployable> source, String member) {
    this(source, null, member, System::currentTimeMillis);
  }

  /** @param companion another verticle to run while leading (null: none), before policy and discovery */
  public LeaderVerticle(Supplier<? extends Deployable> source, Supplier<? extends Deployable> companion, String member) {
    this(source, companion, member, System::currentTimeMillis);
  }

  LeaderVerticle(Supplier<? extends Deployable> source, Supplier<? extends Deployable> companion, String member,
      java.util.function.LongSupplier clock) {
    this.source = source;
    this.companion = companion;
    this.member = member;
    this.clock = clock;
  }

  /**
   * Where a new leader's generations start: after the cluster's latest, and never below the wall
   * clock in milliseconds. The map holding the latest version lives on the data members; if they
   * all went away at once it is lost, while sidecars still hold their version; starting at the
   * clock keeps every later version newer than anything they applied (one leader would have to
   * publish more than a version per millisecond for this to fail).
   */
  static long startGeneration(long latest, long nowMillis) {
    return Math.max(latest, nowMillis);
  }

  public boolean leading() {
    return leading;
  }

  @Override
  public Future<?> start() {
    watchMerges();
    campaign();
    return Future.succeededFuture();
  }

  /**
   * After a split brain heals (Hazelcast MERGED), both sides may have led: every leader steps down
   * and campaigns again, so that exactly one leads and its first version (a generation above
   * anything either side published) brings every member to the same content.
   */
  private void watchMerges() {
    if (!(((io.vertx.core.internal.VertxInternal) vertx).clusterManager()
        instanceof io.vertx.spi.cluster.hazelcast.HazelcastClusterManager hz)) {
      return;
    }
    io.vertx.core.Context ctx = context;
    hz.getHazelcastInstance().getLifecycleService().addLifecycleListener(e -> {
      if (e.getState() == com.hazelcast.core.LifecycleEvent.LifecycleState.MERGED) {
        ctx.runOnContext(v -> {
          if (leading && !stopping) {
            LOG.warning("the cluster merged after a split: stepping down to elect one leader again");
            // The merged lock state decides who holds the lock: never force it free.
            stepDown(false).onComplete(x -> vertx.setTimer(CAMPAIGN_WAIT_MS, id -> campaign()));
          }
        });
      }
    });
  }

  private void campaign() {
    if (stopping) {
      return;
    }
    vertx.sharedData().getLockWithTimeout(ClusterNames.LEADER_LOCK, CAMPAIGN_WAIT_MS).onComplete(ar -> {
      if (stopping) {
        if (ar.succeeded()) {
          ar.result().release();
        }
        return;
      }
      if (ar.failed()) {
        campaign(); // timed out: someone else leads; try again
        return;
      }
      lock = ar.result();
      lead().onFailure(e -> {
        LOG.severe("cannot lead: " + e.getMessage() + "; giving the lock back");
        stepDown(true).onComplete(x -> vertx.setTimer(CAMPAIGN_WAIT_MS, id -> campaign()));
      });
    });
  }

  private Future<Void> lead() {
    Promise<Long> epochP = Promise.promise();
    vertx.sharedData().getCounter(ClusterNames.EPOCH_COUNTER)
        .compose(c -> c.incrementAndGet()).onComplete(epochP);
    return epochP.future().compose(epoch -> ClusterFeedVerticle.latest(vertx).compose(latest -> {
      long generation = startGeneration(latest == null ? 0 : MeshWire.decode(latest).generation(),
          clock.getAsLong());
      leading = true;
      LOG.info("this member (" + member + ") leads the cluster (epoch " + epoch + "), continuing after generation "
          + generation);
      DeploymentOptions one = new DeploymentOptions();
      io.vertx.core.Context ctx = context;
      // Fenced: another member leads and holds the lock (ours was freed when we were taken for
      // dead), so it is not released. Run on this verticle's context, not the publisher's (which
      // the step-down undeploys).
      return deploy(new MeshPublisherVerticle(epoch, member, latest, () -> ctx.runOnContext(v -> stepDown(false)
          .onComplete(x -> vertx.setTimer(CAMPAIGN_WAIT_MS, id -> campaign())))), one)
          .compose(v -> companion == null ? Future.<Void>succeededFuture() : deploy(companion.get(), one))
          .compose(v -> deploy(new PolicyVerticle(generation), one))
          .compose(v -> deploy(source.get(), one));
    }));
  }

  private Future<Void> deploy(Deployable v, DeploymentOptions o) {
    return vertx.deployVerticle(v, o).map(id -> {
      deployed.add(id);
      return null;
    });
  }

  /** @param release give the lock back (false when another member holds it now) */
  private Future<Void> stepDown(boolean release) {
    leading = false;
    List<String> ids = new ArrayList<>(deployed);
    deployed.clear();
    java.util.Collections.reverse(ids);
    Future<Void> f = Future.succeededFuture();
    for (String id : ids) {
      f = f.transform(x -> vertx.undeploy(id).otherwiseEmpty());
    }
    return f.andThen(x -> {
      if (lock != null && release) {
        lock.release();
      }
      lock = null;
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return stepDown(leading);
  }
}
