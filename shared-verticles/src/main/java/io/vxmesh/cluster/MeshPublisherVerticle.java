package io.vxmesh.cluster;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.shareddata.AsyncMap;
import io.vxmesh.common.Addresses;
import io.vxmesh.common.LocalCodec;
import io.vxmesh.policy.VersionedMesh;
import java.util.logging.Logger;

/**
 * The leader's voice: each version this member's policy verticle compiles is written to the
 * cluster map, then published on the clustered event bus. Writes are fenced: the map entry is
 * replaced only if it still holds what this leader last saw, so a leader that was replaced (split
 * brain, a pause longer than the failure detector) cannot overwrite its successor; it steps down.
 */
public final class MeshPublisherVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(MeshPublisherVerticle.class.getName());

  private final long epoch;
  private final String leader;
  private final Runnable onFenced;
  private String expected;
  private AsyncMap<String, String> map;
  private Future<Void> tail = Future.succeededFuture();
  private boolean fenced;

  /**
   * @param expected the map's latest entry when this leader took over (null: none)
   * @param onFenced called (on this verticle's context) when another leader wrote in between
   */
  public MeshPublisherVerticle(long epoch, String leader, String expected, Runnable onFenced) {
    this.epoch = epoch;
    this.leader = leader;
    this.expected = expected;
    this.onFenced = onFenced;
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx, VersionedMesh.class);
    return vertx.sharedData().<String, String>getAsyncMap(ClusterNames.MESH_MAP)
        .compose(m -> {
          map = m;
          return vertx.eventBus().<VersionedMesh>localConsumer(Addresses.MESH, this::onMesh).completion();
        });
  }

  private void onMesh(Message<VersionedMesh> msg) {
    if (ClusterNames.ORIGIN_CLUSTER.equals(msg.headers().get(ClusterNames.ORIGIN_HEADER))) {
      return;
    }
    VersionedMesh vm = msg.body();
    tail = tail.transform(ignored -> publish(vm)).otherwiseEmpty();
  }

  private Future<Void> publish(VersionedMesh vm) {
    if (fenced) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> MeshWire.encode(new MeshWire.Published(vm, epoch, leader)), false)
        .compose(json -> write(json, vm.generation()).compose(ok -> {
          if (!ok) {
            fenced = true;
            LOG.severe("the cluster's mesh version changed under this leader (epoch " + epoch
                + "): another member leads; stepping down without publishing " + vm.version());
            onFenced.run();
            return Future.succeededFuture();
          }
          expected = json;
          vertx.eventBus().publish(ClusterNames.MESH_ADDRESS, json, new io.vertx.core.eventbus.DeliveryOptions()
              .addHeader(ClusterFeedVerticle.GENERATION_HEADER, Long.toString(vm.generation())));
          LOG.info("published mesh version " + vm.version() + " to the cluster");
          return Future.<Void>succeededFuture();
        }))
        .onFailure(e -> LOG.severe("cannot publish mesh version " + vm.version() + " to the cluster: "
            + e.getMessage() + "; members keep the version they have"));
  }

  /**
   * Writes the version unless another leader wrote since: true when written. An entry that is gone
   * (its partition was lost with the data members holding it) is not another leader's write: the
   * version is put back.
   */
  private Future<Boolean> write(String json, long generation) {
    Future<Boolean> written = expected == null
        ? map.putIfAbsent(ClusterNames.LATEST, json).map(previous -> previous == null)
        : map.replaceIfPresent(ClusterNames.LATEST, expected, json);
    return written.compose(ok -> ok ? Future.succeededFuture(true)
        : map.get(ClusterNames.LATEST).compose(now -> now != null ? Future.succeededFuture(false)
            : map.putIfAbsent(ClusterNames.LATEST, json).map(previous -> previous == null)))
        .compose(ok -> ok ? map.put(ClusterNames.GENERATION, Long.toString(generation)).map(true)
            : Future.succeededFuture(false));
  }
}
