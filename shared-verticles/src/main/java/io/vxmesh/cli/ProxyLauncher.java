package io.vxmesh.cli;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vxmesh.admin.AdminVerticle;
import io.vxmesh.cluster.ClusterFeedVerticle;
import io.vxmesh.cluster.HazelcastSetup;
import io.vxmesh.cluster.LeaderVerticle;
import io.vxmesh.config.ConfigLoader;
import io.vxmesh.config.ProxyConfig;
import io.vxmesh.discovery.DiscoveryVerticle;
import io.vxmesh.discovery.ResourceDirectory;
import io.vxmesh.discovery.kubernetes.KubernetesClients;
import io.vxmesh.discovery.kubernetes.KubernetesDiscoveryVerticle;
import io.vxmesh.discovery.kubernetes.ServiceRecordsVerticle;
import io.vxmesh.policy.PolicyVerticle;
import io.vxmesh.proxy.AccessLog;
import io.vxmesh.proxy.ConnectionLimits;
import io.vxmesh.proxy.ProxyMetrics;
import io.vxmesh.proxy.ProxyRuntime;
import io.vxmesh.proxy.RandomSource;
import io.vxmesh.proxy.Readiness;
import io.vxmesh.proxy.TableRef;
import io.vxmesh.proxy.TableVerticle;
import io.vxmesh.compile.ProxyIdentity;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Starts a proxy process: Vert.x on the chosen transport ({@link TransportChoice}), the merged
 * configuration, then the verticles in the order data flows backwards (consumers first): admin,
 * table, the role's own verticles, policy, discovery. With {@code --cluster}, Vert.x is clustered
 * through Hazelcast and policy and discovery run only on the elected leader; every member is fed by
 * the cluster. Used by both jars' main classes and by in-process tests.
 */
public final class ProxyLauncher {
  private static final Logger LOG = Logger.getLogger(ProxyLauncher.class.getName());

  /** What a role (gateway, sidecar) adds: its listener verticles. */
  public interface RoleModule {
    ProxyIdentity.Role role();

    Future<?> deploy(Vertx vertx, ProxyRuntime runtime, ProxyConfig config);
  }

  /** A started proxy. */
  public record Running(Vertx vertx, ProxyRuntime runtime, ProxyConfig config, int adminPort) {
    /** How long closing may take before it is given up (the listeners' drain time comes on top). */
    public static final java.time.Duration CLOSE_TIMEOUT = java.time.Duration.ofSeconds(20);

    /**
     * Closes Vert.x (listeners drain, verticles stop). Bounded: a close that has not finished after
     * the drain time plus {@link #CLOSE_TIMEOUT} is reported and given up, so a process never
     * hangs on its way out (closing a gateway that watched the Kubernetes API has, rarely and under
     * load, been seen never to complete in tests; the cause is not found yet).
     */
    public Future<Void> close() {
      io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
      vertx.close().onComplete(ar -> done.tryComplete());
      long limit = runtime.drainTimeout().plus(CLOSE_TIMEOUT).toMillis();
      java.util.concurrent.CompletableFuture.delayedExecutor(limit, java.util.concurrent.TimeUnit.MILLISECONDS)
          .execute(() -> {
            if (done.tryComplete()) {
              LOG.warning("vxmesh did not close within " + limit + " ms; giving up waiting (deployments left: "
                  + vertx.deploymentIDs().size() + ")");
            }
          });
      return done.future().andThen(ar -> runtime.accessLog().close());
    }
  }

  /** Options for tests: a seeded random source, an access log of their own. */
  public record Overrides(RandomSource random, AccessLog accessLog) {
    public static final Overrides NONE = new Overrides(null, null);
  }

  private ProxyLauncher() {}

  public static Future<Running> start(JsonObject flags, Map<String, String> env, RoleModule module) {
    return start(flags, env, module, Overrides.NONE);
  }

  public static Future<Running> start(JsonObject flags, Map<String, String> env, RoleModule module,
      Overrides overrides) {
    int eventLoops = eventLoops(flags, env);
    TransportChoice.Resolved transport;
    try {
      transport = TransportChoice.of(flags, env).resolve();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (transport.fallback() != null) {
      LOG.warning(transport.fallback());
    }
    Vertx loader = Vertx.builder().with(vertxOptions(eventLoops)).withTransport(transport.transport()).build();
    // The configuration decides whether Vert.x is clustered: read it with a plain instance, then
    // keep that one (standalone) or replace it by a clustered one.
    // ProxyConfig.from may read the downward-API labels file: on a worker, not the event loop.
    Future<ProxyConfig> config = ConfigLoader.load(loader, flags, env)
        .compose(json -> loader.executeBlocking(() -> {
          if (env.containsKey("KUBERNETES_SERVICE_HOST") && !json.containsKey(ProxyConfig.IN_CLUSTER_KEY)) {
            json.put(ProxyConfig.IN_CLUSTER_KEY, true);
          }
          return ProxyConfig.from(json, module.role());
        }, false));
    // The result is completed from the instance that runs the proxy, never through a future of
    // the loader, whose context is gone once it is closed.
    Promise<Running> started = Promise.promise();
    config.onFailure(e -> {
      started.fail(e); // deliver the failure first (its listeners run on a Vert.x context), then close
      loader.close();
    });
    config.onSuccess(cfg -> {
      if (!cfg.cluster()) {
        boot(loader, cfg, module, overrides, transport.transport().name())
            .onFailure(e -> loader.close()).onComplete(started);
        return;
      }
      // Built from a thread of its own: a Vert.x instance made on another's context shares nothing with it.
      Thread.ofPlatform().name("vxmesh-cluster-join").start(() -> {
        Vertx clustered;
        try {
          clustered = HazelcastSetup.join(() -> vertxOptions(eventLoops), transport.transport(), cfg.clusterOptions());
        } catch (Exception e) {
          loader.close();
          started.fail(e);
          return;
        }
        loader.close();
        boot(clustered, cfg, module, overrides, transport.transport().name())
            .onFailure(e -> clustered.close()).onComplete(started);
      });
    });
    return started.future();
  }

  private static VertxOptions vertxOptions(int eventLoops) {
    return new VertxOptions().setEventLoopPoolSize(eventLoops);
  }

  /** The discovery verticle of this process's source. */
  private static Supplier<Deployable> source(ProxyConfig cfg) {
    return switch (cfg.source()) {
      case DIRECTORY -> () -> new DiscoveryVerticle(new ResourceDirectory(cfg.resources()), cfg.pollInterval());
      case KUBERNETES -> () -> new KubernetesDiscoveryVerticle(KubernetesClients.factory(cfg.kubeconfig()),
          cfg.watchNamespaces());
      case CLUSTER -> null;
    };
  }

  private static String describeSource(ProxyConfig cfg) {
    return switch (cfg.source()) {
      case DIRECTORY -> "resources " + cfg.resources().toAbsolutePath();
      case KUBERNETES -> "Kubernetes API (" + (cfg.kubeconfig() == null ? "in-cluster" : cfg.kubeconfig()) + ")";
      case CLUSTER -> "the cluster";
    };
  }

  /**
   * Standalone: policy and this process's discovery. In a cluster: the feed from the cluster, and,
   * for a member with a source of its own, a campaign to lead (discovery and policy run on the
   * leader only).
   */
  private static Future<?> deployMeshSource(Vertx vertx, ProxyConfig cfg, ProxyRuntime rt) {
    DeploymentOptions one = new DeploymentOptions();
    Supplier<Deployable> source = source(cfg);
    if (!cfg.cluster()) {
      Future<?> records = cfg.serviceRecords()
          ? vertx.deployVerticle(new ServiceRecordsVerticle(), one) : Future.succeededFuture();
      return records.compose(x -> vertx.deployVerticle(new PolicyVerticle(), one))
          .compose(id -> vertx.deployVerticle(source.get(), one));
    }
    String member = cfg.role().name().toLowerCase() + " " + cfg.namespace() + "/"
        + (cfg.pod().isBlank() ? cfg.labels() : cfg.pod());
    Future<String> feed = vertx.deployVerticle(new ClusterFeedVerticle(() -> rt.tables().applied().generation()), one);
    Supplier<Deployable> companion = cfg.serviceRecords() ? ServiceRecordsVerticle::new : null;
    return source == null ? feed
        : feed.compose(id -> vertx.deployVerticle(new LeaderVerticle(source, companion, member), one));
  }

  private static Future<Running> boot(Vertx vertx, ProxyConfig cfg, RoleModule module, Overrides overrides,
      String transport) {
    AccessLog accessLog;
    try {
      accessLog = overrides.accessLog() != null ? overrides.accessLog() : AccessLog.open(cfg.accessLog());
    } catch (java.io.IOException e) {
      return Future.failedFuture(new IllegalArgumentException("--access-log " + cfg.accessLog() + ": " + e.getMessage()));
    }
    ProxyRuntime rt = new ProxyRuntime(
        new TableRef(cfg.identity()),
        new ProxyMetrics(),
        accessLog,
        new Readiness(),
        overrides.random() != null ? overrides.random() : RandomSource.threadLocal(),
        new ConnectionLimits(),
        io.vxmesh.proxy.Upstreams.of(vertx),
        cfg.drainTimeout());
    AdminVerticle admin = new AdminVerticle(rt, cfg.adminHost(), cfg.adminPort());
    DeploymentOptions one = new DeploymentOptions();
    // The admin server binds while the mesh is read and compiled (it reads the runtime on request
    // only); either failing fails the start.
    Future<String> adminUp = vertx.deployVerticle(admin, one)
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "cannot serve admin on " + cfg.adminHost() + ":" + cfg.adminPort() + ": " + e.getMessage(), e)));
    Future<?> meshUp = vertx.deployVerticle(new TableVerticle(cfg.identity(), rt), one)
        .compose(id -> module.deploy(vertx, rt, cfg))
        .compose(id -> deployMeshSource(vertx, cfg, rt));
    return Future.all(adminUp, meshUp)
        .map(id -> {
          LOG.info("vxmesh " + cfg.role().name().toLowerCase() + " started: namespace " + cfg.namespace()
              + ", labels " + cfg.labels() + ", mesh from " + describeSource(cfg)
              + (cfg.cluster() ? ", cluster member" + (cfg.role() == ProxyIdentity.Role.SIDECAR ? " (lite)" : "")
                  + " on port " + cfg.clusterPort() : "")
              + ", admin " + cfg.adminHost() + ":" + admin.actualPort() + ", transport " + transport);
          return new Running(vertx, rt, cfg, admin.actualPort());
        });
  }

  private static int eventLoops(JsonObject flags, Map<String, String> env) {
    Object v = flags.getValue("eventLoops");
    if (v == null) {
      v = env.get(ConfigLoader.ENV_PREFIX + "EVENT_LOOPS");
    }
    if (v == null) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      return Math.max(1, Integer.parseInt(v.toString().trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--event-loops needs a number, got '" + v + "'");
    }
  }
}
