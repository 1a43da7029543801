package io.vxmesh.cluster;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
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
 * verticle never applies an older one either).
 */
public final class ClusterFeedVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(ClusterFeedVerticle.class.getName());

  /** Header with a published version's generation, so repeats are dropped before decoding. */
  public static final String GENERATION_HEADER = "vxmesh-generation";

  private final java.util.function.LongSupplier applied;
  private long delivered;
  private Future<Void> tail = Future.succeededFuture();

  /** @param applied the generation this member's table is at (the leader's own versions are skipped unread) */
  public ClusterFeedVerticle(java.util.function.LongSupplier applied) {
    this.applied = applied;
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx, VersionedMesh.class);
    return vertx.eventBus().<String>consumer(ClusterNames.MESH_ADDRESS, msg -> {
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
        })
        .completion()
        .compose(v -> vertx.sharedData().<String, String>getAsyncMap(ClusterNames.MESH_MAP))
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
