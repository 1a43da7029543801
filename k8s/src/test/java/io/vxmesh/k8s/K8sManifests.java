package io.vxmesh.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The manifests under k8s/, read as kubectl reads them: every YAML file, every document. */
final class K8sManifests {
  static final Path ROOT = Path.of(System.getProperty("vxmesh.root", "..")).toAbsolutePath().normalize();
  static final Path K8S = ROOT.resolve("k8s");
  static final Path CRDS = K8S.resolve("crds");
  static final Path INSTALL = K8S.resolve("install");
  static final Path EXAMPLES = K8S.resolve("examples");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One document of one file. */
  record Doc(Path file, int index, JsonObject object) {
    String apiVersion() {
      return object.getString("apiVersion", "");
    }

    String kind() {
      return object.getString("kind", "");
    }

    String group() {
      int slash = apiVersion().indexOf('/');
      return slash < 0 ? "" : apiVersion().substring(0, slash);
    }

    String version() {
      return apiVersion().substring(apiVersion().indexOf('/') + 1);
    }

    JsonObject metadata() {
      return object.getJsonObject("metadata", new JsonObject());
    }

    String name() {
      return metadata().getString("name", "");
    }

    /** The namespace as written (null when none is). */
    String namespace() {
      return metadata().getString("namespace");
    }

    String where() {
      return K8S.relativize(file) + " document " + index + " (" + kind() + " " + name() + ")";
    }
  }

  private K8sManifests() {}

  /** Every *.yaml / *.yml below {@code dir}, sorted (as kubectl apply -R -f orders them). */
  static List<Path> files(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All manifest files of the module: CRDs, install, examples (not the tests' resources). */
  static List<Path> allFiles() {
    List<Path> out = new ArrayList<>();
    out.addAll(files(CRDS));
    out.addAll(files(INSTALL));
    out.addAll(files(EXAMPLES));
    return out;
  }

  static List<Doc> read(Path file) {
    List<Doc> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(Files.readString(file))) {
      int n = 0;
      while (it.hasNextValue()) {
        JsonNode node = it.nextValue();
        n++;
        if (node == null || node.isNull() || node.isMissingNode()) {
          continue;
        }
        out.add(new Doc(file, n, new JsonObject(node.toString())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
    return out;
  }

  static List<Doc> read(List<Path> files) {
    return files.stream().flatMap(f -> read(f).stream()).toList();
  }
}
