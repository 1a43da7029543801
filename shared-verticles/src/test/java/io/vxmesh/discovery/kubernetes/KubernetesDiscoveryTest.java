package io.vxmesh.discovery.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vxmesh.common.Addresses;
import io.vxmesh.common.LocalCodec;
import io.vxmesh.model.Kind;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.model.Resource;
import io.vxmesh.model.ResourceKey;
import io.vxmesh.resource.Finding;
import io.vxmesh.resource.ResourceParser;
import io.vxmesh.testing.MockKubernetes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Kubernetes source against fabric8's CRUD mock API server: real HTTP, real watches. */
class KubernetesDiscoveryTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  Path dir;

  MockKubernetes api;
  Vertx vertx;
  final AtomicReference<MeshSnapshot> latest = new AtomicReference<>();

  @BeforeEach
  void setUp() {
    api = new MockKubernetes();
    vertx = Vertx.vertx();
    LocalCodec.register(vertx, MeshSnapshot.class);
    vertx.eventBus().<MeshSnapshot>localConsumer(Addresses.SNAPSHOT, m -> latest.set(m.body()));
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    api.close();
  }

  private void deploy(List<String> namespaces) throws Exception {
    Path kubeconfig = api.kubeconfig(dir);
    vertx.deployVerticle(new KubernetesDiscoveryVerticle(KubernetesClients.factory(kubeconfig.toString()), namespaces,
        WatchedKind.ALL, Duration.ofMillis(10), new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), () -> 0.5)))
        .await(20, TimeUnit.SECONDS);
  }

  private MeshSnapshot await(String what, Predicate<MeshSnapshot> condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      MeshSnapshot s = latest.get();
      if (s != null && condition.test(s)) {
        return s;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; last snapshot: "
            + (s == null ? "none" : keys(s)));
      }
      Thread.sleep(10);
    }
  }

  private static List<String> keys(MeshSnapshot s) {
    return s.resources().stream().map(Resource::describe).toList();
  }

  private static Resource find(MeshSnapshot s, ResourceKey key) {
    return s.resources().stream().filter(r -> r.key().equals(key)).findFirst().orElse(null);
  }

  /** A record's text without where it came from (a file or the API) and when it was created. */
  private static String content(Resource r) {
    return r.toString().replaceAll(", origin=[^,]*,", ", origin=-,")
        .replaceAll("creationTimestamp=[^,)\\]]*", "creationTimestamp=-");
  }

  @Test
  void theApiAndTheDirectoryGiveTheSameResources() throws Exception {
    api.apply(Fixtures.all());
    deploy(List.of());
    MeshSnapshot s = await("every kind", x -> x.resources().size() == Kind.values().length);
    ResourceParser.Result fromFile = ResourceParser.parse("all.yaml", Fixtures.all());
    assertEquals(Kind.values().length, fromFile.resources().size(), fromFile.findings().toString());
    for (Resource file : fromFile.resources()) {
      Resource live = find(s, file.key());
      assertTrue(live != null, "missing from the API snapshot: " + file.describe());
      assertEquals(content(file), content(live));
      assertTrue(live.origin().source().startsWith("kubernetes " + file.kind().kindName() + " "),
          live.origin().toString());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void createUpdateDeleteEachKind(Kind kind) throws Exception {
    deploy(List.of());
    await("the first (empty) snapshot", x -> x.resources().isEmpty());
    Fixtures.Sample sample = Fixtures.SAMPLES.get(kind);
    Resource expected = ResourceParser.parse("x.yaml", sample.yaml()).resources().get(0);
    Resource edited = ResourceParser.parse("x.yaml", sample.edited()).resources().get(0);
    assertNotEquals(content(expected), content(edited), "the edit must change what is parsed");

    api.apply(sample.yaml());
    MeshSnapshot created = await("created", x -> find(x, expected.key()) != null);
    assertEquals(content(expected), content(find(created, expected.key())));

    api.apply(sample.edited());
    MeshSnapshot updated = await("updated", x -> find(x, expected.key()) != null
        && content(find(x, expected.key())).equals(content(edited)));
    assertEquals(1, updated.resources().size());

    api.delete(sample.yaml());
    await("deleted", x -> find(x, expected.key()) == null);
  }

  @Test
  void aRefusedUpdateKeepsThePreviousVersion() throws Exception {
    deploy(List.of());
    api.apply(Fixtures.SAMPLES.get(Kind.VIRTUAL_SERVICE).yaml());
    ResourceKey vs = new ResourceKey(Kind.VIRTUAL_SERVICE, "demo", "vs");
    Resource good = find(await("the VirtualService", x -> find(x, vs) != null), vs);
    api.apply("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: vs, namespace: demo}
        spec:
          hosts: ['*']
          gateways: [gw]
          tcp: [{route: [{destination: {host: a}, weight: 0}, {destination: {host: b}, weight: 0}]}]
        """);
    MeshSnapshot s = await("the refusal reported", x -> x.findings().stream().anyMatch(Finding::isError));
    assertEquals(good, find(s, vs), "the previous version stays in force");
    Finding error = s.findings().stream().filter(Finding::isError).findFirst().orElseThrow();
    assertTrue(error.source().equals("kubernetes VirtualService demo/vs"), error.format());
    assertTrue(error.message().contains("sum to 0"), error.format());
  }

  @Test
  void onlyTheWatchedNamespaces() throws Exception {
    deploy(List.of("demo"));
    api.apply(Fixtures.SAMPLES.get(Kind.SERVICE).yaml());
    api.apply(Fixtures.SAMPLES.get(Kind.SERVICE).yaml().replace("namespace: demo", "namespace: other"));
    api.apply(Fixtures.SAMPLES.get(Kind.POD).yaml());
    MeshSnapshot s = await("service and pod of demo", x -> x.resources().size() == 2);
    assertTrue(s.resources().stream().allMatch(r -> r.meta().namespace().equals("demo")), keys(s).toString());
  }

  @Test
  void aCrdThatIsNotInstalledDoesNotHoldBackTheRest() throws Exception {
    api.uninstall("access.smi-spec.io");
    api.apply(Fixtures.SAMPLES.get(Kind.SERVICE).yaml());
    deploy(List.of());
    MeshSnapshot s = await("the service", x -> x.resources().size() == 1);
    assertEquals(Kind.SERVICE, s.resources().get(0).kind());
    // installed later: its objects appear once the retry finds it (in whichever of its versions the
    // retry reached when the CRD came). The object is written once the retried watch is open, so
    // the test knows the watch, not only the list, carries it.
    api.install("access.smi-spec.io");
    GatewayWait.until("the retried TrafficTarget watch",
        () -> api.openWatchPaths().stream().anyMatch(p -> p.startsWith("/apis/access.smi-spec.io/")), WAIT);
    api.apply(Fixtures.SAMPLES.get(Kind.TRAFFIC_TARGET).yaml());
    await("the TrafficTarget", x -> keys(x).contains("TrafficTarget demo/tt"));
  }

  /**
   * The watch is dropped and every reconnecting watch is answered 410 Gone while objects are
   * created, changed and deleted: the informers relist, and the snapshot ends up exactly the server's
   * state (nothing lost, nothing stale).
   */
  @Test
  void droppedWatchesAnd410GoneLoseNothing() throws Exception {
    String svcA = Fixtures.SAMPLES.get(Kind.SERVICE).yaml();
    String svcB = svcA.replace("name: echo,", "name: echo-b,");
    String svcC = svcA.replace("name: echo,", "name: echo-c,");
    String vs = Fixtures.SAMPLES.get(Kind.VIRTUAL_SERVICE).yaml();
    api.apply(svcA + "---\n" + svcB + "---\n" + vs);
    deploy(List.of());
    await("A, B and the VirtualService", x -> x.resources().size() == 3);
    GatewayWait.until("watches open", () -> api.openWatches() >= Kind.values().length, WAIT);

    api.gone(true);
    int informers = Kind.values().length;
    assertTrue(api.dropWatches() >= informers);
    api.apply(svcC);                                   // created while disconnected
    api.apply(Fixtures.SAMPLES.get(Kind.SERVICE).edited()); // A changed
    api.delete(svcB);                                  // B deleted
    api.delete(vs);                                    // the VirtualService deleted
    // Two 410 answers per informer after the changes: the list before the second one saw them all.
    int before = api.goneAnswers();
    GatewayWait.until("informers answered 410", () -> api.goneAnswers() >= before + 2 * informers, WAIT);
    api.gone(false);

    ResourceKey a = new ResourceKey(Kind.SERVICE, "demo", "echo");
    Resource editedA = ResourceParser.parse("x.yaml", Fixtures.SAMPLES.get(Kind.SERVICE).edited()).resources().get(0);
    MeshSnapshot s = await("the server's state", x -> keys(x).equals(List.of(
        "Service demo/echo", "Service demo/echo-c")) && content(find(x, a)).equals(content(editedA)));
    assertFalse(keys(s).contains("VirtualService demo/vs"));

    // and the watches work again afterwards
    GatewayWait.until("watches open again", () -> api.openWatches() >= Kind.values().length, WAIT);
    api.apply(svcB);
    await("B again", x -> keys(x).contains("Service demo/echo-b"));
  }

  /** Polls a condition with a deadline (no sleeps for synchronisation). */
  static final class GatewayWait {
    static void until(String what, java.util.function.BooleanSupplier c, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!c.getAsBoolean()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("timed out waiting for " + what);
        }
        Thread.sleep(10);
      }
    }
  }

  /**
   * In-cluster configuration (fabric8's system properties stand in for the pod's environment): the
   * service-account token file rotates, the old token is refused, the client reads the file again
   * and keeps watching.
   */
  @Test
  void aRotatedServiceAccountTokenIsReadAgain() throws Exception {
    Path token = dir.resolve("token");
    java.nio.file.Files.writeString(token, "first-token");
    java.util.Map<String, String> props = java.util.Map.of(
        io.fabric8.kubernetes.client.Config.KUBERNETES_MASTER_SYSTEM_PROPERTY, api.url(),
        io.fabric8.kubernetes.client.Config.KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN_FILE_SYSTEM_PROPERTY, token.toString(),
        io.fabric8.kubernetes.client.Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false",
        io.fabric8.kubernetes.client.Config.KUBERNETES_AUTH_TRYSERVICEACCOUNT_SYSTEM_PROPERTY, "true");
    props.forEach(System::setProperty);
    try {
      api.requireToken("first-token");
      vertx.deployVerticle(new KubernetesDiscoveryVerticle(KubernetesClients.factory(null), List.of(),
          List.of(WatchedKind.ALL.get(0)), Duration.ofMillis(10), new Backoff(Duration.ofMillis(50),
          Duration.ofMillis(500), () -> 0.5))).await(20, TimeUnit.SECONDS);
      await("the first (empty) snapshot", x -> x.resources().isEmpty());
      api.requireToken(null);
      api.apply(Fixtures.SAMPLES.get(Kind.SERVICE).yaml());
      api.requireToken("first-token");
      await("the service", x -> x.resources().size() == 1);

      java.nio.file.Files.writeString(token, "second-token"); // the kubelet rotates the projected token
      api.requireToken("second-token");
      int refusedBefore = api.unauthorized();
      api.dropWatches();
      GatewayWait.until("the old token refused", () -> api.unauthorized() > refusedBefore, WAIT);
      api.requireToken(null);
      api.apply(Fixtures.SAMPLES.get(Kind.SERVICE).edited());
      api.requireToken("second-token");
      Resource edited = ResourceParser.parse("x.yaml", Fixtures.SAMPLES.get(Kind.SERVICE).edited()).resources().get(0);
      await("the change, watched with the new token", x -> x.resources().size() == 1
          && content(x.resources().get(0)).equals(content(edited)));
    } finally {
      props.keySet().forEach(System::clearProperty);
      api.requireToken(null);
    }
  }
}
