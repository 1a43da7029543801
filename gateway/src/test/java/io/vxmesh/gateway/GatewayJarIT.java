package io.vxmesh.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The built artifacts, as a user runs them: the launcher script, the jar's flags and subcommands,
 * and the README's demo (its --check mode). Runs in Maven's integration-test phase, after package.
 */
class GatewayJarIT {
  static final Path ROOT = Path.of(System.getProperty("vxmesh.root", ".."));

  record Run(int exit, String out) {}

  static Run run(String... command) throws IOException, InterruptedException {
    return run(java.util.Map.of(), command);
  }

  static Run run(java.util.Map<String, String> env, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(ROOT.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    java.util.concurrent.CompletableFuture<byte[]> out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return p.getInputStream().readAllBytes();
      } catch (IOException e) {
        return new byte[0];
      }
    });
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", command));
    }
    return new Run(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8));
  }

  @Test
  void theReadmeDemoWorks() throws Exception {
    Run r = run("examples/gateways/demo.sh", "--check");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("via ingressgateway-1: hello test"), r.out());
    assertTrue(r.out().contains("via ingressgateway-2: hello-2 test"), r.out());
  }

  @Test
  void helpListsTheContractFlags() throws Exception {
    Run r = run("gateway/bin/vxmesh-gateway", "--help");
    assertEquals(0, r.exit(), r.out());
    List<String> missing = new ArrayList<>();
    for (String flag : List.of("--resources", "--namespace", "--labels", "--address", "--admin", "validate")) {
      if (!r.out().contains(flag)) {
        missing.add(flag);
      }
    }
    assertTrue(missing.isEmpty(), "missing " + missing + " in\n" + r.out());
  }

  @Test
  void validateExitsZeroOnTheExamples() throws Exception {
    Run r = run("gateway/bin/vxmesh-gateway", "validate", "examples/gateways");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("0 errors"), r.out());
  }

  /**
   * The launcher's AOT cache holds the classes a start loads, picocli's among them: its released
   * jar is Java 5 bytecode, which the cache cannot hold, so shared-verticles compiles picocli from
   * its sources. A start that fails (here on a missing flag) trains nothing: its cache is thrown
   * away, and the next start trains again. A start that runs (until it is stopped) trains the cache;
   * the start after it loads picocli and the main class from it.
   */
  @Test
  void aSecondStartTakesPicocliFromTheLaunchersAotCache(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path classes = dir.resolve("classes.log");
    java.util.Map<String, String> env = java.util.Map.of("VXMESH_CDS_DIR", dir.toString(), "VXMESH_AOT", "aot",
        "VXMESH_JVM_OPTS", "-Xlog:class+load=info:file=" + classes);
    java.util.function.Predicate<Path> promoted =
        f -> f.getFileName().toString().matches("vxmesh-gateway-\\d+\\.aot");
    for (int start = 1; start <= 2; start++) {
      Run r = run(env, "gateway/bin/vxmesh-gateway", "--resources", "examples/gateways");
      assertEquals(2, r.exit(), r.out());
      try (var files = java.nio.file.Files.list(dir)) {
        assertTrue(files.noneMatch(promoted), "a failed start's cache was kept in " + dir);
      }
    }
    int admin;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      admin = free.getLocalPort();
    }
    ProcessBuilder pb = new ProcessBuilder("gateway/bin/vxmesh-gateway", "--resources", "examples/gateways",
        "--namespace", "istio-system", "--labels", "istio=none", "--admin", "127.0.0.1:" + admin,
        "--access-log", "off").directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("training.log").toFile());
    pb.environment().putAll(env);
    Process training = pb.start();
    try {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      java.net.URI ready = java.net.URI.create("http://127.0.0.1:" + admin + "/ready");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      boolean up = false;
      while (!up && System.nanoTime() < deadline && training.isAlive()) {
        try {
          up = http.send(java.net.http.HttpRequest.newBuilder(ready).build(),
              java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
          // not listening yet
        }
        if (!up) {
          Thread.sleep(100);
        }
      }
      assertTrue(up, "the training start never became ready: "
          + java.nio.file.Files.readString(dir.resolve("training.log")));
    } finally {
      training.destroy(); // SIGTERM: the JVM writes the cache as it exits
      assertTrue(training.waitFor(120, TimeUnit.SECONDS), "the training start did not exit");
    }
    java.nio.file.Files.deleteIfExists(classes);
    Run r = run(env, "gateway/bin/vxmesh-gateway", "--resources", "examples/gateways");
    assertEquals(2, r.exit(), r.out());
    try (var files = java.nio.file.Files.list(dir)) {
      assertTrue(files.anyMatch(promoted), "the trained cache was not promoted in " + dir);
    }
    String loaded = java.nio.file.Files.readString(classes);
    assertTrue(loaded.contains("picocli.CommandLine source: shared objects file"),
        "picocli.CommandLine not loaded from the AOT cache:\n" + loaded.lines()
            .filter(l -> l.contains("picocli.CommandLine ")).findFirst().orElse("(not loaded at all)"));
    assertTrue(loaded.contains("io.vxmesh.gateway.GatewayMain source: shared objects file"), "main class not cached");
  }

  @Test
  void startingWithoutRequiredFlagsFailsClearly() throws Exception {
    Run r = run("gateway/bin/vxmesh-gateway", "--resources", "examples/gateways");
    assertEquals(2, r.exit(), r.out());
    assertTrue(r.out().contains("--namespace NS is required"), r.out());
  }
}
