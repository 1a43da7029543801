package io.vxmesh.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.vxmesh.model.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * fabric8's mock API server in CRUD mode (real HTTP, real watches) on loopback, with two faults a
 * real API server shows: {@link #dropWatches()} closes every open watch, and {@link #gone(boolean)}
 * answers every new watch with {@code 410 Gone} (the resourceVersion is too old) until switched off.
 * Objects are written from YAML as {@code kubectl apply} takes it, in the version the watch reads.
 */
public final class MockKubernetes implements AutoCloseable {
  private final FaultyDispatcher dispatcher = new FaultyDispatcher();
  private final KubernetesMockServer server;
  private final KubernetesClient client;

  public MockKubernetes() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
  }

  public KubernetesClient client() {
    return client;
  }

  public String url() {
    return "http://" + server.getHostName() + ":" + server.getPort();
  }

  /** A kubeconfig file pointing at this server (what {@code --kubeconfig FILE} is given). */
  public Path kubeconfig(Path dir) throws IOException {
    Path file = dir.resolve("kubeconfig-" + server.getPort());
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "%s"}
        users:
        - name: test
          user: {token: test-token}
        contexts:
        - name: mock
          context: {cluster: mock, user: test, namespace: default}
        current-context: mock
        """.formatted(url()));
    return file;
  }

  /** From now on, requests without {@code Authorization: Bearer token} get 401 (null: no check). */
  public void requireToken(String token) {
    dispatcher.token = token;
  }

  /** How many requests were refused 401 so far. */
  public int unauthorized() {
    return dispatcher.unauthorized.get();
  }

  /** Makes {@code group}'s API unknown to the server (a CRD that is not installed answers 404). */
  public void uninstall(String... groups) {
    dispatcher.uninstalled.addAll(List.of(groups));
  }

  /** Installs the CRDs of {@code group} again. */
  public void install(String group) {
    dispatcher.uninstalled.remove(group);
  }

  /** While on, every new watch is answered {@code 410 Gone}; informers must relist. */
  public void gone(boolean on) {
    dispatcher.gone = on;
  }

  /** Closes every open watch connection, as an API server restart or a load balancer does. */
  public int dropWatches() {
    int n = 0;
    for (WebSocket ws : Set.copyOf(dispatcher.sockets.keySet())) {
      ws.close(1001, "going away");
      n++;
    }
    return n;
  }

  /** How many watches were answered 410 so far. */
  public int goneAnswers() {
    return dispatcher.goneAnswers.get();
  }

  public int openWatches() {
    return dispatcher.sockets.size();
  }

  /** The request paths of the open watches (e.g. {@code /apis/access.smi-spec.io/v1alpha3/traffictargets?...}). */
  public List<String> openWatchPaths() {
    return List.copyOf(dispatcher.sockets.values());
  }

  /** Creates or replaces the objects of a (multi-document) YAML text. */
  public void apply(String yaml) {
    for (GenericKubernetesResource r : parse(yaml)) {
      var op = op(r).inNamespace(namespace(r));
      answered(() -> {
        if (op.withName(r.getMetadata().getName()).get() == null) {
          op.resource(r).create();
        } else {
          op.resource(r).update();
        }
      });
    }
  }

  /** Deletes the objects named in a YAML text. */
  public void delete(String yaml) {
    for (GenericKubernetesResource r : parse(yaml)) {
      answered(() -> op(r).inNamespace(namespace(r)).withName(r.getMetadata().getName()).delete());
    }
  }

  /**
   * Runs a write once more when its response never came. Seen about once in 30 runs of the
   * dropped-watch test: every event loop idle and the client's request timing out after 10 s, the
   * request lost between the test's client and the mock. Both writes are safe to repeat (apply
   * reads first; deleting what is gone is no error).
   */
  private static void answered(Runnable write) {
    try {
      write.run();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (!String.valueOf(e.getMessage()).contains("timeout period")) {
        throw e;
      }
      write.run();
    }
  }

  /** The objects of one kind now on the server, as {@code namespace/name}. */
  public List<String> names(Kind kind) {
    return client.genericKubernetesResources(context(kind)).inAnyNamespace().list().getItems().stream()
        .map(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName()).sorted().toList();
  }

  private List<GenericKubernetesResource> parse(String yaml) {
    List<GenericKubernetesResource> out = new java.util.ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.isBlank()) {
        continue;
      }
      GenericKubernetesResource r = client.getKubernetesSerialization().unmarshal(doc, GenericKubernetesResource.class);
      Kind kind = kind(r);
      r.setApiVersion(kind.apiVersion()); // the API server converts to the version the watch reads
      out.add(r);
    }
    return out;
  }

  private static Kind kind(GenericKubernetesResource r) {
    String api = r.getApiVersion();
    int slash = api.indexOf('/');
    Kind kind = Kind.lookup(slash < 0 ? "" : api.substring(0, slash), r.getKind());
    if (kind == null) {
      throw new IllegalArgumentException("not a kind vxmesh reads: " + api + " " + r.getKind());
    }
    return kind;
  }

  private static String namespace(GenericKubernetesResource r) {
    String ns = r.getMetadata().getNamespace();
    return ns == null || ns.isEmpty() ? "default" : ns;
  }

  private io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource,
      io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
      io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> op(GenericKubernetesResource r) {
    return client.genericKubernetesResources(context(kind(r)));
  }

  public static ResourceDefinitionContext context(Kind kind) {
    String plural = switch (kind) {
      case SERVICE -> "services";
      case ENDPOINT_SLICE -> "endpointslices";
      case POD -> "pods";
      case GATEWAY -> "gateways";
      case VIRTUAL_SERVICE -> "virtualservices";
      case DESTINATION_RULE -> "destinationrules";
      case TRAFFIC_TARGET -> "traffictargets";
      case TCP_ROUTE -> "tcproutes";
      case HTTP_ROUTE_GROUP -> "httproutegroups";
      case EGRESS -> "egresses";
      case MESH_CONFIG -> "meshconfigs";
    };
    return new ResourceDefinitionContext.Builder().withGroup(kind.group()).withVersion(kind.versions().get(0))
        .withKind(kind.kindName()).withPlural(plural).withNamespaced(true).build();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
    dispatcher.closer.shutdown();
  }

  /** The CRUD dispatcher with watch faults. */
  private static final class FaultyDispatcher extends KubernetesCrudDispatcher {
    volatile boolean gone;
    final AtomicInteger goneAnswers = new AtomicInteger();
    /** Open watch connections and the request path of each. */
    final ConcurrentHashMap<WebSocket, String> sockets = new ConcurrentHashMap<>();
    final Set<String> uninstalled = ConcurrentHashMap.newKeySet();
    /** The mock server may be gone by the time a close is handled. */
    static void quietly(Runnable r) {
      try {
        r.run();
      } catch (RuntimeException ignored) {
        // the server was destroyed meanwhile
      }
    }

    final java.util.concurrent.ExecutorService closer = java.util.concurrent.Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "mock-watch-closer");
      t.setDaemon(true);
      return t;
    });

    volatile String token;
    final AtomicInteger unauthorized = new AtomicInteger();

    @Override
    public MockResponse dispatch(io.fabric8.mockwebserver.http.RecordedRequest request) {
      String expected = token;
      if (expected != null && !("Bearer " + expected).equals(request.getHeader("Authorization"))) {
        unauthorized.incrementAndGet();
        return new MockResponse().setResponseCode(401).setBody("""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
            "message":"Unauthorized","reason":"Unauthorized","code":401}""");
      }
      String path = request.getPath();
      for (String group : uninstalled) {
        if (path.startsWith("/apis/" + group + "/")) {
          return new MockResponse().setResponseCode(404).setBody("""
              {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
              "message":"the server could not find the requested resource","reason":"NotFound","code":404}""");
        }
      }
      return super.dispatch(request);
    }

    /**
     * An API server serves every version of a kind from one store (it converts); the mock keeps each
     * version apart. Reads in another version of a kind vxmesh knows are read in its first version,
     * the one {@link #apply} writes, so an informer that fell back to an older version (the CRD came
     * while it was trying them) sees the same objects.
     */
    static String servedVersion(String path) {
      for (Kind kind : Kind.values()) {
        if (kind.group().isEmpty() || kind.versions().size() < 2) {
          continue;
        }
        String prefix = "/apis/" + kind.group() + "/";
        if (!path.startsWith(prefix)) {
          continue;
        }
        int slash = path.indexOf('/', prefix.length());
        if (slash < 0) {
          return path;
        }
        String version = path.substring(prefix.length(), slash);
        if (kind.versions().contains(version)) {
          return prefix + kind.versions().get(0) + path.substring(slash);
        }
      }
      return path;
    }

    @Override
    public MockResponse handleGet(String path) {
      return super.handleGet(servedVersion(path));
    }

    @Override
    public MockResponse handleWatch(String requested) {
      String path = servedVersion(requested);
      if (gone) {
        // What an API server does with a watch from a compacted resourceVersion: accept it, send an
        // ERROR event carrying a 410 Status, and end the stream.
        goneAnswers.incrementAndGet();
        return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
          @Override
          public void onOpen(WebSocket ws, Response r) {
            ws.send("""
                {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
                "message":"too old resource version","reason":"Expired","code":410}}""");
            ws.close(1000, "gone");
          }
        });
      }
      MockResponse response = super.handleWatch(path);
      WebSocketListener inner = response.getWebSocketListener();
      if (inner == null) {
        return response;
      }
      return response.withWebSocketUpgrade(new WebSocketListener() {
        @Override
        public void onOpen(WebSocket ws, Response r) {
          // Counted once the mock has registered the watcher (it sends the objects it holds, then
          // every change): a test that waits for openWatches() knows its next write reaches the watch.
          inner.onOpen(ws, r);
          sockets.put(ws, path);
        }

        @Override
        public void onMessage(WebSocket ws, String text) {
          inner.onMessage(ws, text);
        }

        // The mock's own listener waits for its sender to finish when a watch closes; off the
        // server's event loop, so closing many watches at once never stalls the API server.
        @Override
        public void onClosing(WebSocket ws, int code, String reason) {
          sockets.remove(ws);
          closer.execute(() -> quietly(() -> inner.onClosing(ws, code, reason)));
        }

        @Override
        public void onClosed(WebSocket ws, int code, String reason) {
          sockets.remove(ws);
          closer.execute(() -> quietly(() -> inner.onClosed(ws, code, reason)));
        }

        @Override
        public void onFailure(WebSocket ws, Throwable t, Response r) {
          sockets.remove(ws);
          closer.execute(() -> quietly(() -> inner.onFailure(ws, t, r)));
        }
      });
    }
  }
}
