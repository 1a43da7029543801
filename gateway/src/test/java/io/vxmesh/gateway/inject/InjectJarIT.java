package io.vxmesh.gateway.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contract as users run it: {@code gateway/bin/vxmesh-gateway inject -f FILE} (and {@code -f -})
 * prints what the k8s module's golden files hold for the demos.
 */
class InjectJarIT {
  static final Path ROOT = Path.of(System.getProperty("vxmesh.root", "..")).toAbsolutePath().normalize();

  record Run(int exit, String out) {}

  static Run run(Path stdin, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(ROOT.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    }
    Process p = pb.start();
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
      try {
        return p.getInputStream().readAllBytes();
      } catch (IOException e) {
        return new byte[0];
      }
    });
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", command));
    }
    return new Run(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8));
  }

  @Test
  void theLauncherPrintsTheGoldenInjection() throws Exception {
    String example = "k8s/examples/osm-tcp-routing/20-curl.yaml";
    String golden = Files.readString(ROOT.resolve("k8s/src/test/resources/golden/inject/osm-tcp-routing/20-curl.yaml"));
    Run file = run(null, "gateway/bin/vxmesh-gateway", "inject", "-f", example);
    assertEquals(0, file.exit(), file.out());
    assertEquals(golden, file.out());
    Run stdin = run(ROOT.resolve(example), "gateway/bin/vxmesh-gateway", "inject", "-f", "-");
    assertEquals(0, stdin.exit(), stdin.out());
    assertEquals(golden, stdin.out());
  }

  @Test
  void helpListsInject() throws Exception {
    Run r = run(null, "gateway/bin/vxmesh-gateway", "--help");
    assertTrue(r.out().contains("inject") && r.out().contains("--injector"), r.out());
  }
}
