package io.vxmesh.cluster;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.shareddata.AsyncMap;
import io.vxmesh.common.Addresses;
import io.vxmesh.common.LocalCodec;
import io.vxmesh.policy.VersionedMesh;
import java.util.logging.Logger;

/**
 * Feeds this member's table from the cluster: every version the leader publishes on the clustered
 * event bus, and at start the latest one from the cluster map (so a member that joins late applies
 * the current version before it reports ready). Versions are decoded on a worker and handed to the
 * local {@link Addresses#MESH} in generation order; an older or repeated one is dropped (the table
 * verticle never applies an older one either). When a data member joins, it subscribes again and
 * re-reads the map, so a sidecar follows a new leader even after every data member went away.
 */
public final class ClusterFeedVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(ClusterFeedVerticle.class.getName());

  /** Header with a published version's generation, so repeats are dropped before decoding. */
  public static final String GENERATION_HEADER = "vxmesh-generation";

  private static final int RESUBSCRIBE_ATTEMPTS = 10;
  /**
   * How often the cluster map's generation is compared with this member's: the event bus delivers
   * at most once, so a version missed while a connection was down is fetched from the map.
   */
  static final long RESYNC_MS = 2_000;
  private static final long RESUBSCRIBE_DELAY_MS = 1_000;

  private final java.util.function.LongSupplier applied;
  private MessageConsumer<String> consumer;
  private com.hazelcast.core.HazelcastInstance hazelcast;
  private java.util.UUID membershipListener;
  private long delivered;
  private Future<Void> tail = Future.succeededFuture();

  /** @param applied the generation this member's table is at (the leader's own versions are skipped unread) */
  public ClusterFeedVerticle(java.util.function.LongSupplier applied) {
    this.applied = applied;
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx, VersionedMesh.class);
    watchDataMembers();
    return subscribe().compose(v -> catchUp()).onSuccess(v -> vertx.setPeriodic(RESYNC_MS, id -> resync()));
  }

  private boolean resyncing;

  private void resync() {
    if (resyncing) {
      return;
    }
    resyncing = true;
    vertx.sharedData().<String, String>getAsyncMap(ClusterNames.MESH_MAP)
        .compose(map -> map.get(ClusterNames.GENERATION))
        .compose(g -> {
          long generation;
          try {
            generation = g == null ? 0 : Long.parseLong(g);
          } catch (NumberFormatException e) {
            generation = 0;
          }
          if (generation > Math.max(delivered, applied.getAsLong())) {
            LOG.info("the cluster is at generation " + generation + ", this member at "
                + Math.max(delivered, applied.getAsLong()) + ": reading the missed version");
            return catchUp();
          }
          return Future.<Void>succeededFuture();
        })
        .onComplete(ar -> resyncing = false);
  }

  @Override
  public Future<?> stop() {
    if (membershipListener != null && hazelcast != null) {
      try {
        hazelcast.getCluster().removeMembershipListener(membershipListener);
      } catch (RuntimeException ignored) {
        // the instance is shutting down
      }
    }
    return Future.succeededFuture();
  }

  private Future<Void> subscribe() {
    consumer = vertx.eventBus().<String>consumer(ClusterNames.MESH_ADDRESS, msg -> {
      String g = msg.headers().get(GENERATION_HEADER);
      if (g != null && !g.isEmpty()) {
        try {
          long generation = Long.parseLong(g);
          if (generation <= Math.max(delivered, applied.getAsLong())) {
            return; // already here (on the leader: its own version)
          }
        } catch (NumberFormatException ignored) {
          // decode and let the content decide
        }
      }
      receive(msg.body(), "event bus");
    });
    return consumer.completion();
  }

  /** Puts this node's event-bus address back into the cluster's node map (lost with the data members). */
  private Future<Void> announce() {
    io.vertx.core.spi.cluster.ClusterManager cm = ((io.vertx.core.internal.VertxInternal) vertx).clusterManager();
    io.vertx.core.spi.cluster.NodeInfo info = cm.getNodeInfo();
    if (info == null) {
      return Future.succeededFuture();
    }
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    cm.setNodeInfo(info, p);
    return p.future();
  }

  /** Reads the latest version from the cluster map (at start, and after the data members changed). */
  private Future<Void> catchUp() {
    return vertx.sharedData().<String, String>getAsyncMap(ClusterNames.MESH_MAP)
        .compose(map -> map.get(ClusterNames.LATEST))
        .map(latest -> {
          if (latest == null) {
            LOG.info("the cluster has no mesh version yet; waiting for the leader");
          } else {
            receive(latest, "cluster map");
          }
          return null;
        });
  }

  /**
   * Subscriptions of the clustered event bus live in a Hazelcast map on the data members: when they
   * all went away, this member's subscription went with them and Vert.x does not restore it. So,
   * when a data member joins, subscribe again and read the map (retrying while partitions settle).
   */
  private void watchDataMembers() {
    if (!(((io.vertx.core.internal.VertxInternal) vertx).clusterManager()
        instanceof io.vertx.spi.cluster.hazelcast.HazelcastClusterManager hz)) {
      return;
    }
    hazelcast = hz.getHazelcastInstance();
    io.vertx.core.Context ctx = context;
    membershipListener = hazelcast.getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
      @Override
      public void memberAdded(com.hazelcast.cluster.MembershipEvent e) {
        if (!e.getMember().isLiteMember()) {
          ctx.runOnContext(v -> resubscribe(0));
        }
      }

      @Override
      public void memberRemoved(com.hazelcast.cluster.MembershipEvent e) {
        // nothing to do: a removal keeps the subscriptions held by the remaining data members
      }
    });
  }

  private void resubscribe(int attempt) {
    MessageConsumer<String> old = consumer;
    (old == null ? Future.<Void>succeededFuture() : old.unregister().otherwiseEmpty())
        .compose(v -> announce())
        .compose(v -> subscribe())
        .compose(v -> catchUp())
        .onFailure(e -> {
          if (attempt < RESUBSCRIBE_ATTEMPTS) {
            vertx.setTimer(RESUBSCRIBE_DELAY_MS, id -> resubscribe(attempt + 1));
          } else {
            LOG.warning("cannot subscribe to the cluster's mesh versions again: " + e.getMessage());
          }
        });
  }

  private void receive(String json, String via) {
    tail = tail.transform(ignored -> vertx.executeBlocking(() -> MeshWire.decode(json), false)
        .onSuccess(p -> deliver(p, via))
        .onFailure(e -> LOG.severe("dropping a mesh version received by " + via + ": " + e.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty());
  }

  private void deliver(MeshWire.Published p, String via) {
    if (p.generation() <= delivered) {
      return;
    }
    delivered = p.generation();
    LOG.fine("mesh version " + p.mesh().version() + " from the cluster (" + via + ", leader " + p.leader()
        + ", epoch " + p.epoch() + ")");
    vertx.eventBus().publish(Addresses.MESH, p.mesh(), new DeliveryOptions().setLocalOnly(true)
        .addHeader(ClusterNames.ORIGIN_HEADER, ClusterNames.ORIGIN_CLUSTER));
  }

  /** Reads the latest published version (for a new leader continuing the sequence). */
  static Future<String> latest(io.vertx.core.Vertx vertx) {
    return vertx.sharedData().<String, String>getAsyncMap(ClusterNames.MESH_MAP)
        .compose((AsyncMap<String, String> map) -> map.get(ClusterNames.LATEST));
  }
}
