package io.vxmesh.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.cli.ValidateCommand;
import io.vxmesh.resource.Finding;
import io.vxmesh.resource.ResourceParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest under k8s/ parses (YAML, multi-document) into Kubernetes objects; the kinds vxmesh
 * reads pass its parser; each demo, applied as a user applies it (the install's MeshConfig, the
 * demo's apps, one scenario), passes {@code validate} without errors; the seeds' own mistakes are
 * flagged.
 */
class ManifestsTest {
  @TempDir
  Path dir;

  static Stream<Path> files() {
    return K8sManifests.allFiles().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void everyDocumentIsAKubernetesObject(Path file) {
    List<K8sManifests.Doc> docs = K8sManifests.read(file);
    assertFalse(docs.isEmpty(), file + " has no document");
    for (K8sManifests.Doc d : docs) {
      assertFalse(d.apiVersion().isEmpty(), d.where() + ": no apiVersion");
      assertFalse(d.kind().isEmpty(), d.where() + ": no kind");
      assertTrue(d.name().matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?"), d.where() + ": bad metadata.name");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void theKindsVxmeshReadsPassItsParser(Path file) throws IOException {
    ResourceParser.Result r = ResourceParser.parse(K8sManifests.K8S.relativize(file).toString(), Files.readString(file));
    assertTrue(r.parsed(), r.findings().toString());
    assertEquals(List.of(), r.findings().stream().filter(Finding::isError).toList());
    assertEquals(List.of(), r.findings().stream().filter(f -> f.code() == Finding.Code.UNSUPPORTED_VERSION).toList());
  }

  /** What a user applies together: the install's MeshConfig, the demo's apps and one scenario. */
  static Stream<Arguments> demos() {
    Path mc = K8sManifests.INSTALL.resolve("20-meshconfig.yaml");
    Path istio = K8sManifests.EXAMPLES.resolve("istio-tcp-routing");
    Path egress = K8sManifests.EXAMPLES.resolve("egress-policy");
    List<Arguments> out = new ArrayList<>();
    out.add(Arguments.of("install", K8sManifests.files(K8sManifests.INSTALL)));
    out.add(Arguments.of("osm-tcp-routing", with(mc, K8sManifests.files(K8sManifests.EXAMPLES.resolve("osm-tcp-routing")))));
    for (Path scenario : K8sManifests.files(istio.resolve("scenarios"))) {
      out.add(Arguments.of("istio-tcp-routing " + scenario.getFileName(),
          with(mc, K8sManifests.files(istio.resolve("apps")), List.of(scenario))));
    }
    out.add(Arguments.of("istio-tcp-routing gateways",
        with(mc, K8sManifests.files(istio.resolve("apps")), K8sManifests.files(istio.resolve("gateways")))));
    for (Path policy : K8sManifests.files(egress.resolve("policies"))) {
      List<Path> set = new ArrayList<>(List.of(egress.resolve("00-curl.yaml")));
      set.add(policy);
      out.add(Arguments.of("egress-policy " + policy.getFileName(), with(mc, set)));
    }
    out.add(Arguments.of("egress-passthrough", K8sManifests.files(K8sManifests.EXAMPLES.resolve("egress-passthrough"))));
    return out.stream();
  }

  @SafeVarargs
  static List<Path> with(Path first, List<Path>... rest) {
    List<Path> out = new ArrayList<>(List.of(first));
    for (List<Path> r : rest) {
      out.addAll(r);
    }
    return out;
  }

  record Validation(int exit, String output) {}

  Validation validate(List<Path> files) throws IOException {
    Path d = Files.createTempDirectory(dir, "set");
    for (Path f : files) {
      // One directory per file keeps the order kubectl would apply them in (later files replace earlier).
      Path abs = f.toAbsolutePath().normalize();
      Path target = d.resolve((abs.startsWith(K8sManifests.K8S) ? K8sManifests.K8S.relativize(abs).toString()
          : abs.getFileName().toString()).replace('/', '_'));
      Files.copy(f, target);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = ValidateCommand.validate(d, new PrintStream(out, true, StandardCharsets.UTF_8));
    return new Validation(exit, out.toString(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("demos")
  void eachDemoValidatesWithoutErrors(String name, List<Path> files) throws IOException {
    Validation v = validate(files);
    assertEquals(0, v.exit(), v.output());
    assertTrue(v.output().matches("(?s).*(^|\n)0 errors.*"), v.output());
    // The corrected seed mistakes are gone.
    for (String code : List.of("VX0004", "VX0101", "VX0104", "VX0107", "VX0113", "VX0201", "VX0202")) {
      assertFalse(v.output().contains(code), name + " reports " + code + ":\n" + v.output());
    }
  }

  @Test
  void theSeedsOwnMistakesAreFlagged() throws IOException {
    Path seeds = Path.of("src/test/resources/seed-originals");
    Path istio = K8sManifests.EXAMPLES.resolve("istio-tcp-routing");
    Validation gateways = validate(with(istio.resolve("gateways/ingressgateway-1.yaml"), List.of(seeds.resolve("ingressgateway-2.yaml"))));
    assertTrue(gateways.output().contains("VX0004"), gateways.output());
    Validation weight = validate(with(istio.resolve("apps/echoserver.yaml"),
        List.of(seeds.resolve("echoserver-dr.yaml"), seeds.resolve("echoserver-vs.yaml"))));
    assertTrue(weight.output().contains("VX0101") && weight.output().contains("VX0104"), weight.output());
    Validation smi = validate(List.of(seeds.resolve("smi-policy.yaml")));
    assertEquals(1, smi.exit(), smi.output());
    assertTrue(smi.output().contains("VX0001"), smi.output());
  }

  @Test
  void everyNamespaceUsedIsCreatedByTheSameDemoOrTheInstall() {
    // kubectl apply fails on a namespace that does not exist; default always does.
    Set<String> created = new HashSet<>(Set.of("default"));
    for (K8sManifests.Doc d : K8sManifests.read(K8sManifests.allFiles())) {
      if (d.kind().equals("Namespace")) {
        created.add(d.name());
      }
    }
    List<String> missing = new ArrayList<>();
    for (K8sManifests.Doc d : K8sManifests.read(K8sManifests.allFiles())) {
      if (d.namespace() != null && !created.contains(d.namespace())) {
        missing.add(d.where() + ": namespace " + d.namespace());
      }
    }
    assertEquals(List.of(), missing);
  }

  @Test
  void everyExampleSaysWhichSeedItReproduces() throws IOException {
    List<String> silent = new ArrayList<>();
    for (Path f : K8sManifests.files(K8sManifests.EXAMPLES)) {
      if (!Files.readString(f).contains("# Seed")) {
        silent.add(K8sManifests.K8S.relativize(f).toString());
      }
    }
    assertEquals(List.of(), silent);
  }
}
