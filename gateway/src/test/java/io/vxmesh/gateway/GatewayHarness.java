package io.vxmesh.gateway;

import io.vertx.core.json.JsonObject;
import io.vxmesh.cli.ProxyLauncher;
import io.vxmesh.proxy.AccessLog;
import io.vxmesh.proxy.AccessRecord;
import io.vxmesh.proxy.RandomSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A gateway process inside the test JVM, on its own loopback address, with its access log captured. */
final class GatewayHarness implements AutoCloseable {
  final Path resources;
  final String address;
  final ProxyLauncher.Running running;
  final List<AccessRecord> log = new CopyOnWriteArrayList<>();

  private GatewayHarness(Path resources, String address, ProxyLauncher.Running running) {
    this.resources = resources;
    this.address = address;
    this.running = running;
  }

  static GatewayHarness start(Path resources, String address, String labels, RandomSource random) throws Exception {
    return start(resources, address, labels, random, new JsonObject());
  }

  /** {@code extra}: more flags as configuration keys (e.g. {@code serviceAccount}). */
  static GatewayHarness start(Path resources, String address, String labels, RandomSource random, JsonObject extra)
      throws Exception {
    JsonObject flags = new JsonObject()
        .put("resources", resources.toString())
        .put("namespace", "istio-system")
        .put("labels", labels)
        .put("address", address)
        .put("admin", address + ":0")
        .put("eventLoops", 2)
        .put("pollInterval", "100ms")
        .put("drainTimeout", "2s")
        .mergeIn(extra);
    AccessLog accessLog = AccessLog.off();
    List<AccessRecord> records = new CopyOnWriteArrayList<>();
    accessLog.tap(records::add);
    ProxyLauncher.Running running = ProxyLauncher.start(flags, Map.of(), new GatewayModule(),
        new ProxyLauncher.Overrides(random, accessLog)).await(20, TimeUnit.SECONDS);
    GatewayHarness h = new GatewayHarness(resources, address, running);
    h.log.addAll(records);
    accessLog.tap(h.log::add);
    return h;
  }

  /** A port free on {@code address} now (for Gateway manifests, which must name their port). */
  static int freePort(String address) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(address, 0));
      return s.getLocalPort();
    }
  }

  String get(String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://" + address + ":" + running.adminPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  boolean ready() {
    return running.runtime().readiness().isReady();
  }

  /** The {@code n}-th access record (1-based), waiting for it. */
  AccessRecord awaitRecord(int n) throws InterruptedException {
    await(n + " access record(s)", () -> log.size() >= n);
    return log.get(n - 1);
  }

  String version() {
    return running.runtime().tables().applied().version();
  }

  void write(String name, String yaml) throws IOException {
    Path tmp = resources.resolve("." + name + ".tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, resources.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() throws Exception {
    running.close().await(10, TimeUnit.SECONDS);
  }
}
