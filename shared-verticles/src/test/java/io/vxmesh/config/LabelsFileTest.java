package io.vxmesh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vxmesh.compile.ProxyIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** --labels-file: the downward-API file the kubelet writes for metadata.labels (key="value" per line). */
class LabelsFileTest {

  @TempDir
  Path dir;

  static Stream<Arguments> files() {
    return Stream.of(
        // What the kubelet writes for the seed's pods (keys sorted, no trailing newline).
        Arguments.of("app=\"echo-server\"\npod-template-hash=\"7d9f8c5b4\"\nversion=\"prod\"",
            Map.of("app", "echo-server", "pod-template-hash", "7d9f8c5b4", "version", "prod")),
        Arguments.of("app.kubernetes.io/name=\"curl\"\n", Map.of("app.kubernetes.io/name", "curl")),
        Arguments.of("", Map.of()),
        Arguments.of("\n\n", Map.of()),
        Arguments.of("empty=\"\"", Map.of("empty", "")),
        // Go %q escapes (annotations can hold anything; labels cannot, but the format is the same).
        Arguments.of("q=\"a\\\"b\\\\c\"", Map.of("q", "a\"b\\c")),
        Arguments.of("nl=\"x\\ny\\tz\"", Map.of("nl", "x\ny\tz")),
        Arguments.of("hex=\"\\xc3\\xa9\"", Map.of("hex", "é")),
        Arguments.of("uni=\"\\u00e9\\U0001F600\"", Map.of("uni", "é\uD83D\uDE00")),
        Arguments.of("eq=\"a=b\"", Map.of("eq", "a=b")));
  }

  @ParameterizedTest
  @MethodSource("files")
  void parsesWhatTheKubeletWrites(String text, Map<String, String> expected) {
    assertEquals(expected, ProxyConfig.parseLabelsFile(text, "labels"));
  }

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of("app=echo", "line 1: the value must be a quoted string"),
        Arguments.of("ok=\"1\"\n=\"x\"", "line 2: expected key=\"value\""),
        Arguments.of("novalue", "line 1: expected key=\"value\""),
        Arguments.of("e=\"\\q\"", "line 1: bad quoted value"),
        Arguments.of("e=\"\\x4\"", "line 1: bad quoted value"));
  }

  @ParameterizedTest
  @MethodSource("bad")
  void badLinesNameTheFileAndLine(String text, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProxyConfig.parseLabelsFile(text, "/etc/vxmesh/podinfo/labels"));
    assertTrue(e.getMessage().contains("/etc/vxmesh/podinfo/labels " + message), e.getMessage());
  }

  @Test
  void fileLabelsAreTheIdentityAndFlagsWin() throws Exception {
    Path file = dir.resolve("labels");
    Files.writeString(file, "app=\"telnet-client\"\nversion=\"v1\"\n");
    JsonObject c = new JsonObject().put("resources", dir.toString()).put("namespace", "default")
        .put("pod", "telnet-client-1").put("serviceAccount", "telnet-client")
        .put("labelsFile", file.toString()).put("labels", "version=v2,extra=yes");
    ProxyConfig cfg = ProxyConfig.from(c, ProxyIdentity.Role.SIDECAR);
    assertEquals(Map.of("app", "telnet-client", "version", "v2", "extra", "yes"), cfg.labels());
    assertEquals(cfg.labels(), cfg.identity().labels());
  }

  @Test
  void aMissingFileIsAClearError() {
    JsonObject c = new JsonObject().put("resources", dir.toString()).put("namespace", "default")
        .put("labelsFile", dir.resolve("nope").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProxyConfig.from(c, ProxyIdentity.Role.GATEWAY));
    assertTrue(e.getMessage().startsWith("--labels-file " + dir.resolve("nope") + " cannot be read"), e.getMessage());
  }
}
