package io.vxmesh.compile;

import io.vxmesh.discovery.ResourceDirectory;
import io.vxmesh.model.MeshSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The seed 002 scenarios kept under {@code src/test/resources/seeds/} (see the README there):
 * {@code common/} plus one directory per demo, laid out as a resource directory and read by the
 * real {@link ResourceDirectory}.
 */
public final class Seeds {

  /** The demo directories, in the seed's order, then the seed's files exactly as written. */
  public static final List<String> SCENARIOS = List.of("destinationSubnets", "port", "sourceLabels", "gateways",
      "sourceNamespace", "weights", "gateways-as-written", "weights-as-written");

  private Seeds() {}

  /** The directory of a scenario among the test resources. */
  public static Path source(String scenario) {
    URL url = Seeds.class.getClassLoader().getResource("seeds/" + scenario);
    if (url == null) {
      throw new IllegalArgumentException("no test resource seeds/" + scenario);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Copies {@code common/} and the given scenario directories under {@code root} (each keeps its
   * name, so findings name files such as {@code gateways/ingressgateway-2.yaml}); returns {@code root}.
   */
  public static Path layOut(Path root, String... scenarios) {
    try {
      copy(source("common"), root.resolve("common"));
      for (String s : scenarios) {
        copy(source(s), root.resolve(s));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return root;
  }

  /** The snapshot a proxy reading {@code common/} plus {@code scenario} as its resource directory would have. */
  public static MeshSnapshot snapshot(Path root, String scenario) throws IOException {
    return new ResourceDirectory(layOut(root, scenario)).scan().snapshot();
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, to.resolve(f.getFileName().toString()));
      }
    }
  }
}
