package io.vxmesh.discovery;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vxmesh.common.Addresses;
import io.vxmesh.common.LocalCodec;
import io.vxmesh.model.MeshSnapshot;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Watches the resource directory: scans it on a worker every {@code pollInterval} and publishes a
 * {@link MeshSnapshot} on {@link Addresses#SNAPSHOT} whenever its content changed. The first scan
 * happens before the verticle counts as started, so a missing directory fails start-up clearly.
 */
public final class DiscoveryVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(DiscoveryVerticle.class.getName());

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);

  private final ResourceDirectory directory;
  private final Duration pollInterval;
  private long timer = -1;
  private boolean scanning;
  private String lastFailure;

  public DiscoveryVerticle(ResourceDirectory directory, Duration pollInterval) {
    this.directory = directory;
    this.pollInterval = pollInterval;
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx, MeshSnapshot.class);
    return scan(true).onSuccess(v -> timer = vertx.setPeriodic(pollInterval.toMillis(), id -> {
      if (!scanning) {
        scan(false);
      }
    }));
  }

  private Future<Void> scan(boolean first) {
    scanning = true;
    return vertx.executeBlocking(directory::scan, false)
        .andThen(ar -> scanning = false)
        .onFailure(e -> {
          String msg = e.getMessage();
          if (!first && !msg.equals(lastFailure)) {
            LOG.severe("cannot scan resources: " + msg + "; the configuration in force is kept");
            lastFailure = msg;
          }
        })
        .map(result -> {
          if (lastFailure != null) {
            LOG.info("resource directory " + directory.root() + " is readable again");
            lastFailure = null;
          }
          if (result.snapshot() != null) {
            LOG.fine("resource snapshot " + result.snapshot().revision() + ": "
                + result.snapshot().resources().size() + " resources from " + result.files() + " files");
            vertx.eventBus().publish(Addresses.SNAPSHOT, result.snapshot());
          }
          return null;
        });
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return Future.succeededFuture();
  }
}
