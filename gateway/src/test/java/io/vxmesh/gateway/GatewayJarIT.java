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
    ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(ROOT.toFile()).redirectErrorStream(true);
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

  @Test
  void startingWithoutRequiredFlagsFailsClearly() throws Exception {
    Run r = run("gateway/bin/vxmesh-gateway", "--resources", "examples/gateways");
    assertEquals(2, r.exit(), r.out());
    assertTrue(r.out().contains("--namespace NS is required"), r.out());
  }
}
