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
   * its sources. The first start trains the cache (written when the JVM exits, here at once, on a
   * missing flag); the second loads picocli from it.
   */
  @Test
  void aSecondStartTakesPicocliFromTheLaunchersAotCache(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path classes = dir.resolve("classes.log");
    java.util.Map<String, String> env = java.util.Map.of("VXMESH_CDS_DIR", dir.toString(), "VXMESH_AOT", "aot",
        "VXMESH_JVM_OPTS", "-Xlog:class+load=info:file=" + classes);
    for (int start = 1; start <= 2; start++) {
      Run r = run(env, "gateway/bin/vxmesh-gateway", "--resources", "examples/gateways");
      assertEquals(2, r.exit(), r.out());
    }
    try (var files = java.nio.file.Files.list(dir)) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().matches("vxmesh-gateway-\\d+\\.aot")),
          "no AOT cache written in " + dir);
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
