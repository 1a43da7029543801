package io.vxmesh.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vxmesh.gateway.GatewayMain;
import io.vxmesh.gateway.inject.InjectionSettings;
import io.vxmesh.gateway.inject.Injector;
import io.vxmesh.gateway.inject.JsonPatch;
import io.vxmesh.gateway.inject.ManifestInjector;
import io.vxmesh.sidecar.SidecarMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code vxmesh-gateway inject -f} on every demo manifest: the output matches the golden file in
 * src/test/resources/golden/inject (regenerate with {@code -Dvxmesh.golden.update=true}); every
 * workload got the sidecar, everything else is unchanged; injecting the output again changes nothing;
 * and the flags the injected containers and the gateway Deployments pass are flags the jars take.
 */
class InjectExamplesTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden/inject");
  static final boolean UPDATE = Boolean.getBoolean("vxmesh.golden.update");
  static final Set<String> WORKLOADS = Set.of("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob");

  static final ManifestInjector INJECT = new ManifestInjector(new Injector(InjectionSettings.DEFAULTS));

  static Stream<Path> examples() {
    return K8sManifests.files(K8sManifests.EXAMPLES).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void injectDashFMatchesTheGoldenFile(Path file) throws Exception {
    String rel = K8sManifests.EXAMPLES.relativize(file).toString();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = GatewayMain.commandLine().execute("inject", "-f", file.toString());
    // The subcommand writes to System.out; run the same code with captured streams for the comparison.
    io.vxmesh.gateway.inject.InjectCommand cmd = new io.vxmesh.gateway.inject.InjectCommand(System.in,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    int captured = new CommandLine(cmd).execute("-f", file.toString());
    assertEquals(0, exit);
    assertEquals(0, captured, err.toString(StandardCharsets.UTF_8));
    String output = out.toString(StandardCharsets.UTF_8);

    Path golden = GOLDEN.resolve(rel);
    if (UPDATE) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, output);
    } else {
      assertTrue(Files.exists(golden), golden + " is missing: run with -Dvxmesh.golden.update=true");
      assertEquals(Files.readString(golden), output, "differs from " + golden
          + " (rerun with -Dvxmesh.golden.update=true to accept the new output)");
    }

    // Semantics, whatever the golden file says.
    List<K8sManifests.Doc> before = K8sManifests.read(file);
    Path tmp = Files.createTempFile("injected", ".yaml");
    List<K8sManifests.Doc> after;
    try {
      Files.writeString(tmp, output);
      after = K8sManifests.read(tmp);
    } finally {
      Files.delete(tmp);
    }
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) {
      K8sManifests.Doc b = before.get(i);
      JsonObject a = after.get(i).object();
      if (WORKLOADS.contains(b.kind())) {
        // Exactly the webhook's patch, types included (a YAML writer must keep "9000" a string).
        JsonObject template = b.object().getJsonObject("spec").getJsonObject("template");
        Injector.Outcome.Patch patch = assertInstanceOf(Injector.Outcome.Patch.class,
            new Injector(InjectionSettings.DEFAULTS).inject(template, b.where()));
        assertEquals(JsonPatch.apply(template, patch.ops()), a.getJsonObject("spec").getJsonObject("template"), b.where());
        JsonObject podSpec = a.getJsonObject("spec").getJsonObject("template").getJsonObject("spec");
        List<String> names = podSpec.getJsonArray("containers").stream().map(c -> ((JsonObject) c).getString("name")).toList();
        assertEquals(Injector.SIDECAR, names.getLast(), b.where());
        assertEquals(Injector.INIT, ((JsonObject) podSpec.getJsonArray("initContainers").getValue(0)).getString("name"));
        // Idempotent: the injected template is left alone.
        assertInstanceOf(Injector.Outcome.Skip.class,
            new Injector(InjectionSettings.DEFAULTS).inject(a.getJsonObject("spec").getJsonObject("template"), b.where()));
      } else {
        assertEquals(b.object(), a, b.where() + " must pass through unchanged");
      }
    }
    ManifestInjector.Result again = INJECT.inject(file + " (injected)", output);
    assertTrue(again.ok(), again.errors().toString());
    assertEquals(output, again.output(), "injecting the output again changes nothing");
  }

  @Test
  void everyDemoWorkloadIsInjected() {
    long workloads = K8sManifests.read(K8sManifests.files(K8sManifests.EXAMPLES)).stream()
        .filter(d -> WORKLOADS.contains(d.kind())).count();
    assertEquals(9, workloads, "tcp-echo, curl (twice), echo-server, -2, -gray, telnet-client, -2, -foo");
  }

  @Test
  void theSidecarsArgumentsAreSidecarFlags() {
    JsonObject sidecar = new Injector(InjectionSettings.DEFAULTS).inject(new JsonObject()
        .put("spec", new JsonObject().put("containers", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("name", "app")))), "Pod x/y") instanceof Injector.Outcome.Patch p
        ? (JsonObject) p.ops().stream().filter(op -> op.path().equals("/spec/containers/-")).findFirst().orElseThrow().value()
        : null;
    assertUnknownFlags(SidecarMain.commandLine(), sidecar.getJsonArray("args").getList());
  }

  @Test
  void theGatewayDeploymentsArgumentsAreGatewayFlags() {
    for (K8sManifests.Doc d : K8sManifests.read(K8sManifests.INSTALL.resolve("50-gateways.yaml"))) {
      if (d.kind().equals("Deployment")) {
        JsonObject c = d.object().getJsonObject("spec").getJsonObject("template").getJsonObject("spec")
            .getJsonArray("containers").getJsonObject(0);
        assertUnknownFlags(GatewayMain.commandLine(), c.getJsonArray("args").getList());
      }
    }
  }

  private static void assertUnknownFlags(CommandLine cl, List<Object> args) {
    List<String> unknown = new ArrayList<>();
    for (Object a : args) {
      String s = a.toString();
      if (s.startsWith("--") && cl.getCommandSpec().findOption(s) == null) {
        unknown.add(s);
      }
    }
    assertEquals(List.of(), unknown);
  }

  @Test
  void theImageHoldsWhatTheManifestsRun() throws Exception {
    String containerfile = Files.readString(K8sManifests.K8S.resolve("image/Containerfile"));
    List<String> problems = new ArrayList<>();
    for (String line : containerfile.lines().filter(l -> l.startsWith("COPY --from=build /src/")).toList()) {
      String[] parts = line.split("\\s+");
      String source = parts[2].substring("/src/".length());
      if (!source.contains("/target/") && !Files.exists(K8sManifests.ROOT.resolve(source))) {
        problems.add("Containerfile copies " + source + ", which the repository does not have");
      }
    }
    for (String path : List.of(Injector.SIDECAR_COMMAND, Injector.IPTABLES_COMMAND, "/opt/vxmesh/bin/vxmesh-gateway",
        "/opt/vxmesh/bin/vxmesh-java", "/opt/vxmesh/vxmesh-gateway.jar", "/opt/vxmesh/vxmesh-sidecar.jar")) {
      if (!containerfile.contains(" " + path + "\n")) {
        problems.add("the image does not install " + path);
      }
    }
    if (!containerfile.contains("USER 1500")) {
      problems.add("the image does not run as the proxy's uid 1500");
    }
    assertEquals(List.of(), problems);
  }
}
