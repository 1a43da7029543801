package io.vxmesh.proxy;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vxmesh.common.Addresses;
import io.vxmesh.common.LocalCodec;
import io.vxmesh.compile.ProxyIdentity;
import io.vxmesh.compile.ProxyTable;
import io.vxmesh.policy.VersionedMesh;
import io.vxmesh.resource.Finding;
import java.util.logging.Logger;

/**
 * Applies compiled meshes to this proxy: specialises each (on a worker) for the proxy's identity,
 * in generation order and never an older one, and swaps the table in force when its routing
 * changed. Publishes every applied state on {@link Addresses#TABLE} (listener managers react).
 */
public final class TableVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(TableVerticle.class.getName());
  public static final String READY_CONDITION = "config";

  private final ProxyIdentity identity;
  private final ProxyRuntime rt;
  private Future<Void> tail = Future.succeededFuture();

  public TableVerticle(ProxyIdentity identity, ProxyRuntime rt) {
    this.identity = identity;
    this.rt = rt;
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx, VersionedMesh.class);
    LocalCodec.register(vertx, TableRef.Applied.class);
    rt.readiness().require(READY_CONDITION, "no compiled mesh has been applied yet");
    return vertx.eventBus().<VersionedMesh>localConsumer(Addresses.MESH, msg -> {
      VersionedMesh vm = msg.body();
      tail = tail.transform(ignored -> apply(vm));
    }).completion();
  }

  private Future<Void> apply(VersionedMesh vm) {
    if (vm.generation() <= rt.tables().applied().generation()) {
      LOG.fine("ignoring mesh version " + vm.version() + ": " + rt.tables().applied().version() + " is newer");
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> vm.mesh().forProxy(identity, vm.version()), false).map(next -> {
      TableRef.Applied old = rt.tables().applied();
      if (vm.generation() <= old.generation()) {
        return null;
      }
      ProxyTable table = next.sameRouting(old.table()) ? old.table() : next;
      TableRef.Applied applied = new TableRef.Applied(table, vm);
      rt.tables().set(applied);
      long errors = vm.mesh().findings().stream().filter(Finding::isError).count();
      rt.metrics().applied(vm.generation(), errors);
      rt.readiness().met(READY_CONDITION);
      LOG.info("applied mesh version " + vm.version()
          + (table == old.table() ? " (routing of this proxy unchanged)" : ""));
      vertx.eventBus().publish(Addresses.TABLE, applied);
      return null;
    });
  }
}
