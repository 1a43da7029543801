package io.vxmesh.discovery.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vxmesh.common.Addresses;
import io.vxmesh.common.LocalCodec;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.model.ResourceKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches the Kubernetes API (fabric8 informers: list, then watch from the list's resourceVersion,
 * bookmarks, relist on {@code 410 Gone}) for every {@link WatchedKind}, in all namespaces or the
 * configured ones, and publishes a {@link MeshSnapshot} on {@link Addresses#SNAPSHOT} after each
 * burst of changes.
 *
 * <p>Threads: informer callbacks arrive on fabric8 threads and only mark the state dirty on this
 * verticle's context. After a short debounce the informers' stores (fabric8 keeps them exact
 * across reconnects and relists) are read and the changed objects converted on a worker, one run at
 * a time, into the {@link KubernetesState}. Client calls that may block run on workers.
 *
 * <p>Failures: an informer that cannot start or stops is restarted after a capped exponential
 * backoff with jitter; a CRD kind that the API server does not serve in a version is tried in the
 * next, and when none is served it is logged once and retried. After each (re)start the objects the
 * API server no longer has are dropped. Nothing is published until every kind has listed once (or
 * is known not to be installed), so an unreachable API server never replaces a working mesh with an
 * empty one; while it is unreachable the last snapshot stays in force.
 */
public final class KubernetesDiscoveryVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(KubernetesDiscoveryVerticle.class.getName());

  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(20);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  /**
   * fabric8 warns about every alpha API version (all of SMI's and OSM's are) and logs each failed
   * first list with a stack trace; this verticle reports those itself, once per problem. Held
   * strongly: JUL forgets the level of a logger nobody references.
   */
  private static final List<Logger> QUIET = List.of(
      quiet("io.fabric8.kubernetes.client.utils.VersionUsageUtils"),
      quiet("io.fabric8.kubernetes.client.informers.impl.cache.Reflector"));

  private static Logger quiet(String name) {
    Logger l = Logger.getLogger(name);
    l.setLevel(Level.OFF);
    return l;
  }

  private final KubernetesClients.Factory factory;
  private final List<String> namespaces;
  private final List<WatchedKind> kinds;
  private final Duration debounce;
  private final Backoff backoff;
  private final KubernetesState state = new KubernetesState();
  private final List<KindWatch> watches = new ArrayList<>();
  private Context context;
  private KubernetesClient client;
  private long revision;
  private long publishTimer = -1;
  private boolean publishing;
  private boolean dirty;
  private MeshSnapshot last;
  private boolean stopping;
  private boolean firstPublished;

  /** @param namespaces the namespaces to watch; empty: all */
  public KubernetesDiscoveryVerticle(KubernetesClients.Factory factory, List<String> namespaces) {
    this(factory, namespaces, WatchedKind.ALL, DEFAULT_DEBOUNCE, Backoff.defaults());
  }

  public KubernetesDiscoveryVerticle(KubernetesClients.Factory factory, List<String> namespaces,
      List<WatchedKind> kinds, Duration debounce, Backoff backoff) {
    this.factory = factory;
    this.namespaces = List.copyOf(namespaces);
    this.kinds = List.copyOf(kinds);
    this.debounce = debounce;
    this.backoff = backoff;
  }

  @Override
  public Future<?> start() {
    QUIET.forEach(l -> l.setLevel(Level.OFF)); // again: a logging reset may have come since
    context = vertx.getOrCreateContext();
    LocalCodec.register(vertx, MeshSnapshot.class);
    return vertx.executeBlocking(() -> factory.create(vertx), false)
        .recover(e -> Future.failedFuture(new IllegalArgumentException(
            "cannot set up the Kubernetes client: " + e.getMessage(), e)))
        .map(c -> {
          client = c;
          LOG.info("watching the Kubernetes API at " + c.getMasterUrl() + " in "
              + (namespaces.isEmpty() ? "all namespaces" : "namespaces " + String.join(", ", namespaces)));
          List<String> scopes = namespaces.isEmpty() ? java.util.Collections.singletonList(null) : namespaces;
          for (WatchedKind k : kinds) {
            for (String ns : scopes) {
              watches.add(new KindWatch(k, ns));
            }
          }
          watches.forEach(KindWatch::launch);
          return null;
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (publishTimer >= 0) {
      vertx.cancelTimer(publishTimer);
    }
    List<SharedIndexInformer<?>> informers = new ArrayList<>();
    for (KindWatch w : watches) {
      w.cancelRetry();
      if (w.informer != null) {
        informers.add(w.informer);
      }
    }
    KubernetesClient c = client;
    // On a thread of its own, not a Vert.x worker: a close that hangs (an API server gone mid-call)
    // must not hold a worker that closing Vert.x then waits for.
    io.vertx.core.Promise<Void> closed = io.vertx.core.Promise.promise();
    Thread.ofPlatform().daemon().name("vxmesh-kubernetes-close").start(() -> {
      try {
        informers.forEach(SharedIndexInformer::close);
        if (c != null) {
          c.close();
        }
        closed.tryComplete();
      } catch (RuntimeException e) {
        closed.tryFail(e);
      }
    });
    return closed.future().timeout(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).recover(e -> {
      LOG.warning("the Kubernetes client did not close within " + STOP_TIMEOUT.toSeconds() + " s: " + e.getMessage());
      return Future.succeededFuture();
    });
  }

  private void schedulePublish() {
    if (stopping) {
      return;
    }
    if (publishTimer >= 0 || publishing) {
      dirty = true;
      return;
    }
    for (KindWatch w : watches) {
      if (!w.settled) {
        return;
      }
    }
    publishTimer = vertx.setTimer(Math.max(1, debounce.toMillis()), id -> {
      publishTimer = -1;
      dirty = false;
      publishing = true;
      publish().onComplete(ar -> {
        publishing = false;
        if (dirty) {
          dirty = false;
          schedulePublish();
        }
      });
    });
  }

  /**
   * Brings the state in step with the informers' stores (on a worker, one at a time: converting
   * many objects takes a while) and publishes the snapshot when its content changed. Watches that
   * are down keep their objects: the last state stays in force.
   */
  private Future<Void> publish() {
    record Scope(WatchedKind kind, String namespace, String apiVersion, List<GenericKubernetesResource> items) {}
    List<Scope> scopes = new ArrayList<>();
    for (KindWatch w : watches) {
      if (w.notServed) {
        scopes.add(new Scope(w.kind, w.namespace, "", List.of()));
      } else if (w.informer != null && w.listed) {
        scopes.add(new Scope(w.kind, w.namespace, w.apiVersion, new ArrayList<>(w.informer.getStore().list())));
      }
    }
    return vertx.executeBlocking(() -> {
      for (Scope sc : scopes) {
        List<KubernetesState.Item> items = new ArrayList<>(sc.items.size());
        for (GenericKubernetesResource r : sc.items) {
          ResourceKey key = key(sc.kind, r);
          items.add(new KubernetesState.Item(key, r.getMetadata().getResourceVersion(), () ->
              ObjectConverter.convert(sc.kind.kind(), sc.apiVersion, client.getKubernetesSerialization().asJson(r))));
        }
        int dropped = state.sync(sc.kind.kind(), sc.namespace, items);
        if (dropped > 0) {
          LOG.fine(sc.kind + ": " + dropped + " object(s) removed");
        }
      }
      return state.snapshot(revision + 1);
    }, true).<Void>transform(ar -> {
      if (ar.failed()) {
        LOG.log(Level.SEVERE, "cannot assemble the Kubernetes snapshot; the one in force is kept", ar.cause());
        return Future.succeededFuture();
      }
      MeshSnapshot next = ar.result();
      if (stopping || next.sameContent(last)) {
        return Future.succeededFuture();
      }
      revision++;
      last = next;
      if (!firstPublished) {
        firstPublished = true;
        LOG.info("Kubernetes state listed: " + next.resources().size() + " resources");
      } else {
        LOG.fine("Kubernetes snapshot " + revision + ": " + next.resources().size() + " resources");
      }
      vertx.eventBus().publish(Addresses.SNAPSHOT, next);
      return Future.succeededFuture();
    });
  }

  static ResourceKey key(WatchedKind kind, GenericKubernetesResource r) {
    String ns = r.getMetadata().getNamespace();
    return new ResourceKey(kind.kind(), ns == null || ns.isEmpty() ? "default" : ns, r.getMetadata().getName());
  }

  private static boolean notFound(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    while (c != null) {
      if (c instanceof KubernetesClientException k && k.getCode() == 404) {
        return true;
      }
      c = c.getCause();
    }
    return false;
  }

  private static String describe(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (c instanceof KubernetesClientException k && k.getCode() > 0) {
      return "HTTP " + k.getCode() + (k.getStatus() != null && k.getStatus().getMessage() != null
          ? " " + k.getStatus().getMessage() : "");
    }
    String m = c.getMessage();
    Throwable root = c;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return (m == null ? c.getClass().getSimpleName() : m)
        + (root != c && root.getMessage() != null ? " (" + root.getMessage() + ")" : "");
  }

  /** The informer of one kind in one namespace scope, restarted when it fails. Context-confined. */
  private final class KindWatch {
    final WatchedKind kind;
    final String namespace;
    int versionIndex;
    int attempt;
    long retryTimer = -1;
    SharedIndexInformer<GenericKubernetesResource> informer;
    String apiVersion = "";
    /** The informer in place has listed (its store is the API server's state). */
    boolean listed;
    /** No version of this CRD kind is served: there are no such objects. */
    boolean notServed;
    /** Listed once, or known not to be served: the first snapshot waits for every watch to settle. */
    boolean settled;
    String lastProblem;

    KindWatch(WatchedKind kind, String namespace) {
      this.kind = kind;
      this.namespace = namespace;
    }

    String scope() {
      return kind + (namespace == null ? "" : " in " + namespace);
    }

    void launch() {
      if (stopping) {
        return;
      }
      String version = kind.versions().get(versionIndex);
      String tried = kind.apiVersion(version);
      vertx.executeBlocking(() -> {
        var op = client.genericKubernetesResources(kind.context(version));
        SharedIndexInformer<GenericKubernetesResource> inf = namespace == null
            ? op.inAnyNamespace().runnableInformer(0)
            : op.inNamespace(namespace).runnableInformer(0);
        // Failures before the first list are ours to handle (version fallback, backoff); once
        // listed, fabric8 re-establishes watches by itself (relisting on 410 Gone).
        inf.exceptionHandler((started, t) -> started && !notFound(t));
        inf.addEventHandler(new Handler(inf));
        return inf;
      }, false).onComplete(ar -> {
        if (ar.failed()) {
          failed(null, ar.cause());
          return;
        }
        if (stopping) {
          closeQuietly(ar.result()); // made while the verticle stopped: never started
          return;
        }
        informer = ar.result();
        apiVersion = tried;
        listed = false;
        SharedIndexInformer<GenericKubernetesResource> inf = informer;
        inf.start().whenComplete((v, t) -> context.runOnContext(x -> {
          if (t == null) {
            started(inf, tried);
          } else {
            failed(inf, t);
          }
        }));
        inf.stopped().whenComplete((v, t) -> context.runOnContext(x -> stopped(inf, t)));
      });
    }

    void started(SharedIndexInformer<GenericKubernetesResource> inf, String apiVersion) {
      if (inf != informer || stopping) {
        return;
      }
      if (lastProblem != null || attempt > 0) {
        LOG.info(scope() + ": watching " + apiVersion + " again");
      } else {
        LOG.fine(scope() + ": watching " + apiVersion);
      }
      lastProblem = null;
      attempt = 0;
      listed = true;
      notServed = false;
      settled = true;
      schedulePublish();
    }

    void failed(SharedIndexInformer<GenericKubernetesResource> inf, Throwable t) {
      if (inf != null && inf != informer || stopping) {
        return;
      }
      closeQuietly(inf);
      informer = null;
      listed = false;
      // 404: this version is not served (a CRD not installed, or an old cluster): try the next one,
      // and when none is served there are no such objects. Any other failure (unreachable, 401, 403)
      // keeps the first snapshot waiting: an empty mesh must never replace a working one.
      if (notFound(t)) {
        if (versionIndex + 1 < kind.versions().size()) {
          versionIndex++;
          launch();
          return;
        }
        versionIndex = 0;
        String problem = "not served by the API server in any of " + kind.versions()
            + (kind.custom() ? " (CRD not installed?)" : "") + "; no such objects, retrying";
        if (!problem.equals(lastProblem)) {
          LOG.warning(scope() + ": " + problem);
          lastProblem = problem;
        }
        // Not installed: nothing of this kind exists.
        notServed = true;
        settled = true;
        schedulePublish();
      } else {
        String problem = describe(t);
        if (!problem.equals(lastProblem)) {
          LOG.warning(scope() + ": cannot list/watch: " + problem + "; retrying with backoff"
              + (settled ? ", the last state stays in force" : ""));
          lastProblem = problem;
        }
      }
      retry();
    }

    void stopped(SharedIndexInformer<GenericKubernetesResource> inf, Throwable t) {
      if (inf != informer || stopping) {
        return;
      }
      if (!settled && t == null) {
        return; // start() reports the failure
      }
      informer = null;
      listed = false;
      closeQuietly(inf);
      String problem = t == null ? "the informer stopped" : describe(t);
      LOG.log(Level.WARNING, scope() + ": watch ended (" + problem + "); restarting with backoff,"
          + " the last state stays in force");
      lastProblem = problem;
      retry();
    }

    void retry() {
      if (stopping) {
        return;
      }
      long delay = backoff.delayMillis(attempt++);
      retryTimer = vertx.setTimer(delay, id -> {
        retryTimer = -1;
        launch();
      });
    }

    void cancelRetry() {
      if (retryTimer >= 0) {
        vertx.cancelTimer(retryTimer);
      }
    }

    private void closeQuietly(SharedIndexInformer<GenericKubernetesResource> inf) {
      if (inf != null) {
        vertx.executeBlocking(() -> {
          inf.close();
          return null;
        }, false);
      }
    }

    /** Runs on fabric8 threads: marks the state dirty on the verticle's context. */
    private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {
      private final SharedIndexInformer<GenericKubernetesResource> inf;

      Handler(SharedIndexInformer<GenericKubernetesResource> inf) {
        this.inf = inf;
      }

      @Override
      public void onAdd(GenericKubernetesResource obj) {
        changed();
      }

      @Override
      public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
        changed();
      }

      @Override
      public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
        changed();
      }

      private void changed() {
        context.runOnContext(v -> {
          if (inf == informer && !stopping) {
            schedulePublish();
          }
        });
      }
    }
  }
}
