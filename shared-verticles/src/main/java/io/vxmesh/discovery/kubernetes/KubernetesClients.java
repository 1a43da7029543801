package io.vxmesh.discovery.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the fabric8 client: from {@code --kubeconfig FILE}, or in a pod from the service account
 * (token, CA and {@code KUBERNETES_SERVICE_HOST}, or fabric8's own {@code kubernetes.*} system
 * properties). fabric8 re-reads the service-account token file every minute and on a 401, so a
 * rotated token is picked up; a kubeconfig's token is used as written (fabric8 8 does not read a
 * kubeconfig {@code tokenFile}).
 * The client runs on this process's Vert.x HTTP client (fabric8's Vert.x 5 module); its callbacks
 * for informers run on fabric8's own executor. Blocking (reads files): call it from a worker.
 */
public final class KubernetesClients {
  public static final int CONNECT_TIMEOUT_MS = 10_000;
  public static final int REQUEST_TIMEOUT_MS = 10_000;
  public static final int WATCH_RECONNECT_INTERVAL_MS = 1_000;

  private KubernetesClients() {}

  /** How the Kubernetes source connects. */
  @FunctionalInterface
  public interface Factory {
    /** @param vertx the Vert.x instance whose HTTP client fabric8 uses */
    KubernetesClient create(Vertx vertx) throws Exception;
  }

  /** {@code kubeconfig} null or blank: the in-cluster configuration. */
  public static Factory factory(String kubeconfig) {
    return vertx -> create(vertx, kubeconfig);
  }

  public static KubernetesClient create(Vertx vertx, String kubeconfig) {
    Config config;
    if (kubeconfig == null || kubeconfig.isBlank()) {
      if (System.getenv("KUBERNETES_SERVICE_HOST") == null
          && System.getProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY) == null) {
        throw new IllegalArgumentException("not in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set):"
            + " give --kubeconfig FILE or --resources DIR");
      }
      config = Config.autoConfigure(null);
    } else {
      Path file = Path.of(kubeconfig);
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": no readable file there");
      }
      try {
        config = Config.fromKubeconfig(new File(kubeconfig));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
      }
    }
    tune(config);
    return new KubernetesClientBuilder().withConfig(config)
        .withHttpClientFactory(new Vertx5HttpClientFactory(vertx)).build();
  }

  /** Timeouts always set; watches reconnect forever (fabric8 backs off exponentially between tries). */
  public static Config tune(Config config) {
    config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
    config.setRequestTimeout(REQUEST_TIMEOUT_MS);
    config.setWatchReconnectInterval(WATCH_RECONNECT_INTERVAL_MS);
    config.setWatchReconnectLimit(-1);
    return config;
  }
}
