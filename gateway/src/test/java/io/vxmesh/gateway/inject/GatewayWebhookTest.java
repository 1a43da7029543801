package io.vxmesh.gateway.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vxmesh.cli.ProxyLauncher;
import io.vxmesh.gateway.GatewayMain;
import io.vxmesh.gateway.GatewayModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The gateway process serves the webhook when --injector is given (GatewayMain's flags -> GatewayModule). */
class GatewayWebhookTest {
  static final Path TLS = Path.of("src/test/resources/inject/tls");

  @TempDir
  Path resources;

  @Test
  void aGatewayWithInjectorFlagsServesTheWebhook() throws Exception {
    GatewayMain main = new GatewayMain();
    new CommandLine(main).parseArgs("--injector", "127.0.0.1:0",
        "--injector-cert", TLS.resolve("cert-a.pem").toString(), "--injector-key", TLS.resolve("key-a.pem").toString(),
        "--sidecar-image", "registry.example/vxmesh:7");
    GatewayModule module = new GatewayModule(webhook(main));
    JsonObject flags = new JsonObject().put("resources", resources.toString()).put("namespace", "vxmesh-system")
        .put("labels", "istio=ingressgateway-1").put("address", "127.0.0.1").put("admin", "127.0.0.1:0")
        .put("eventLoops", 1);
    ProxyLauncher.Running running = ProxyLauncher.start(flags, Map.of(), module).await(30, TimeUnit.SECONDS);
    try {
      assertTrue(module.webhookPort() > 0);
      HttpClientAgent client = running.vertx().createHttpClient(new HttpClientOptions().setSsl(true)
          .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(Files.readAllBytes(TLS.resolve("cert-a.pem"))))));
      String review = Files.readString(Path.of("src/test/resources/inject/webhook/inject-plain-pod.request.json"));
      String body = client.request(HttpMethod.POST, module.webhookPort(), "localhost", InjectionWebhookVerticle.PATH)
          .compose(req -> req.send(review))
          .compose(resp -> resp.body())
          .await(20, TimeUnit.SECONDS).toString(StandardCharsets.UTF_8);
      String patch = new String(java.util.Base64.getDecoder().decode(
          new JsonObject(body).getJsonObject("response").getString("patch")), StandardCharsets.UTF_8);
      assertTrue(patch.contains("\"image\":\"registry.example/vxmesh:7\""), patch);
    } finally {
      running.close().await(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void injectorFlagsAreChecked() throws Exception {
    GatewayMain main = new GatewayMain();
    new CommandLine(main).parseArgs("--injector", "127.0.0.1:9443");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> webhook(main));
    assertEquals("--injector IP:PORT needs --injector-cert FILE and --injector-key FILE", e.getMessage());
    GatewayMain none = new GatewayMain();
    new CommandLine(none).parseArgs();
    assertEquals(null, webhook(none));
  }

  private static GatewayModule.Webhook webhook(GatewayMain main) throws Exception {
    return main.webhook();
  }
}
