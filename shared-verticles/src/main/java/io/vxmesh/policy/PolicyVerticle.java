package io.vxmesh.policy;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vxmesh.common.Addresses;
import io.vxmesh.common.LocalCodec;
import io.vxmesh.compile.CompiledMesh;
import io.vxmesh.compile.MeshCompiler;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.resource.Finding;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Compiles each snapshot (on a worker: compiling is pure but may take a while) and publishes the
 * result on {@link Addresses#MESH} when it differs from the last one, with the next generation.
 * Snapshots arriving while a compile runs are coalesced: only the newest is compiled next.
 * Findings are logged once, when they first appear.
 */
public final class PolicyVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(PolicyVerticle.class.getName());

  private CompiledMesh last;
  private long generation;
  private MeshSnapshot pending;
  private boolean compiling;
  private Set<Finding> logged = new HashSet<>();

  public PolicyVerticle() {
    this(0);
  }

  /** @param generation the generation to continue from (a new leader continues the cluster's sequence) */
  public PolicyVerticle(long generation) {
    this.generation = generation;
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx, MeshSnapshot.class);
    LocalCodec.register(vertx, VersionedMesh.class);
    return vertx.eventBus().<MeshSnapshot>localConsumer(Addresses.SNAPSHOT, msg -> submit(msg.body()))
        .completion();
  }

  private void submit(MeshSnapshot snapshot) {
    pending = snapshot;
    if (!compiling) {
      compileNext();
    }
  }

  private void compileNext() {
    MeshSnapshot s = pending;
    pending = null;
    compiling = true;
    vertx.executeBlocking(() -> MeshCompiler.compile(s), false).onComplete(ar -> {
      compiling = false;
      if (ar.succeeded()) {
        publish(ar.result());
      } else {
        LOG.log(Level.SEVERE, "compiling snapshot " + s.revision() + " failed; the mesh in force is kept", ar.cause());
      }
      if (pending != null) {
        compileNext();
      }
    });
  }

  private void publish(CompiledMesh mesh) {
    logFindings(mesh.findings());
    if (last != null && last.digest().equals(mesh.digest())) {
      return;
    }
    last = mesh;
    generation++;
    VersionedMesh vm = new VersionedMesh(generation, mesh);
    long errors = mesh.findings().stream().filter(Finding::isError).count();
    long warnings = mesh.findings().stream().filter(f -> f.severity() == Finding.Severity.WARNING).count();
    LOG.info("mesh version " + vm.version() + ": " + mesh.services().size() + " services, "
        + mesh.gateways().size() + " gateways, " + mesh.virtualServices().size() + " virtual services; "
        + errors + " errors, " + warnings + " warnings");
    vertx.eventBus().publish(Addresses.MESH, vm);
  }

  private void logFindings(List<Finding> findings) {
    Set<Finding> now = new HashSet<>(findings);
    for (Finding f : findings) {
      if (!logged.contains(f)) {
        Level level = switch (f.severity()) {
          case ERROR -> Level.WARNING;
          case WARNING -> Level.INFO;
          case INFO -> Level.FINE;
        };
        LOG.log(level, f.format());
      }
    }
    logged = now;
  }
}
