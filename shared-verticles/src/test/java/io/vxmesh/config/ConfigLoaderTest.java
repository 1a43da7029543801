package io.vxmesh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vxmesh.compile.ProxyIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags beat VXMESH_* environment, which beats the YAML file; each bad value names its setting. */
class ConfigLoaderTest {

  @TempDir
  Path dir;

  Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void precedenceIsFileThenEnvironmentThenFlags() throws Exception {
    Path file = dir.resolve("vxmesh.yaml");
    Files.writeString(file, """
        resources: /from/file
        namespace: file-ns
        labels: {istio: from-file}
        admin: 127.0.0.1:1
        pollInterval: 2s
        """);
    JsonObject merged = ConfigLoader.load(vertx,
        new JsonObject().put("config", file.toString()).put("admin", "127.0.0.1:3"),
        Map.of("VXMESH_NAMESPACE", "env-ns", "VXMESH_ADMIN", "127.0.0.1:2", "PATH", "/bin"))
        .await(10, TimeUnit.SECONDS);
    ProxyConfig c = ProxyConfig.from(merged, ProxyIdentity.Role.GATEWAY);
    assertEquals(Path.of("/from/file"), c.resources());
    assertEquals("env-ns", c.namespace());
    assertEquals(Map.of("istio", "from-file"), c.labels());
    assertEquals(3, c.adminPort());
    assertEquals(Duration.ofSeconds(2), c.pollInterval());
    assertEquals(15001, c.outboundPort());
  }

  @Test
  void badValuesNameTheSetting() {
    JsonObject base = new JsonObject().put("resources", "/r").put("namespace", "ns");
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ProxyConfig.from(base.copy().put("admin", "nope"), ProxyIdentity.Role.GATEWAY)).getMessage().contains("--admin"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ProxyConfig.from(base.copy().put("labels", "a"), ProxyIdentity.Role.GATEWAY)).getMessage().contains("--labels"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ProxyConfig.from(base.copy(), ProxyIdentity.Role.SIDECAR)).getMessage().contains("--pod"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ProxyConfig.from(new JsonObject(), ProxyIdentity.Role.GATEWAY)).getMessage().contains("--resources"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ProxyConfig.from(base.copy().put("pollInterval", "soon"), ProxyIdentity.Role.GATEWAY)).getMessage().contains("pollInterval"));
  }

  @Test
  void aMissingConfigFileFailsClearly() {
    Exception e = assertThrows(Exception.class, () -> ConfigLoader.load(vertx,
        new JsonObject().put("config", dir.resolve("none.yaml").toString()), Map.of()).await(10, TimeUnit.SECONDS));
    assertTrue(e.getMessage().contains("none.yaml"), e.getMessage());
  }
}
