package io.vxmesh.gateway.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The webhook as the API server calls it: real HTTPS to the verticle on a free loopback port, one
 * AdmissionReview per golden case in src/test/resources/inject/webhook ({@code NAME.request.json} in,
 * {@code NAME.expected.json} out: HTTP status, the response, and the JSON patch decoded from its
 * base64). Covers injection, opt-outs, an already-injected pod, non-pod and non-CREATE requests,
 * pods that are refused, and requests that are not AdmissionReview v1 at all.
 */
class InjectionWebhookTest {
  static final Path SRC = Path.of("src/test/resources/inject");
  static final Path CASES = SRC.resolve("webhook");

  static Vertx vertx;
  static InjectionWebhookVerticle webhook;
  static HttpClientAgent client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    webhook = new InjectionWebhookVerticle(new InjectionWebhookVerticle.Options("127.0.0.1", 0,
        SRC.resolve("tls/cert-a.pem"), SRC.resolve("tls/key-a.pem"), Duration.ofHours(1)),
        new Injector(InjectionSettings.DEFAULTS));
    vertx.deployVerticle(webhook).await(20, TimeUnit.SECONDS);
    client = client(SRC.resolve("tls/cert-a.pem"));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  static HttpClientAgent client(Path trusted) throws Exception {
    return vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(Files.readAllBytes(trusted))))
        .setKeepAlive(false).setConnectTimeout(5_000).setIdleTimeout(20));
  }

  record Answer(int status, String body) {}

  static Answer post(HttpClientAgent c, int port, String path, HttpMethod method, String body) throws Exception {
    return c.request(method, port, "localhost", path)
        .compose(req -> req.putHeader("Content-Type", "application/json").send(body))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.toString(StandardCharsets.UTF_8))))
        .await(20, TimeUnit.SECONDS);
  }

  static Stream<String> cases() throws Exception {
    try (Stream<Path> files = Files.list(CASES)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".request.json"))
          .map(n -> n.substring(0, n.length() - ".request.json".length())).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answersAsTheGoldenFileSays(String name) throws Exception {
    String request = Files.readString(CASES.resolve(name + ".request.json"));
    Answer a = post(client, webhook.actualPort(), InjectionWebhookVerticle.PATH, HttpMethod.POST, request);
    JsonObject body = new JsonObject(a.body());
    JsonObject golden = new JsonObject().put("status", a.status());
    JsonObject response = body.getJsonObject("response");
    if (response != null && response.getString("patch") != null) {
      JsonArray patch = new JsonArray(new String(Base64.getDecoder().decode(response.getString("patch")),
          StandardCharsets.UTF_8));
      body = body.copy();
      body.getJsonObject("response").put("patch", "<base64 of the patch below>");
      golden.put("body", body).put("patch", patch);
    } else {
      golden.put("body", body);
    }
    Golden.check(CASES.resolve(name + ".expected.json"), golden.encodePrettily() + "\n");

    // What every case must satisfy, whatever the golden file says.
    String prefix = name.substring(0, name.indexOf('-'));
    switch (prefix) {
      case "inject" -> {
        assertEquals(200, a.status());
        assertEquals(Boolean.TRUE, response.getBoolean("allowed"));
        assertEquals("JSONPatch", response.getString("patchType"));
      }
      case "skip", "allow" -> {
        assertEquals(200, a.status());
        assertEquals(Boolean.TRUE, response.getBoolean("allowed"));
        assertEquals(null, response.getValue("patch"), "no patch for " + name);
      }
      case "deny" -> {
        assertEquals(200, a.status());
        assertEquals(Boolean.FALSE, response.getBoolean("allowed"));
        assertTrue(response.getJsonObject("status").getString("message").startsWith("vxmesh sidecar injection: Pod default/"));
      }
      case "reject" -> assertEquals(400, a.status());
      default -> throw new AssertionError("case names start with inject-, skip-, allow-, deny- or reject-: " + name);
    }
    if (response != null) {
      assertEquals(new JsonObject(request).getJsonObject("request").getString("uid"), response.getString("uid"));
    }
  }

  @Test
  void thePatchIsWhatInjectDashFPrints() throws Exception {
    // The webhook's patch applied to the pod gives the object that `inject -f` prints for the same pod.
    JsonObject review = new JsonObject(Files.readString(CASES.resolve("inject-with-exclusions-and-init.request.json")));
    JsonObject pod = review.getJsonObject("request").getJsonObject("object");
    Answer a = post(client, webhook.actualPort(), InjectionWebhookVerticle.PATH, HttpMethod.POST, review.encode());
    JsonArray patch = new JsonArray(new String(Base64.getDecoder().decode(
        new JsonObject(a.body()).getJsonObject("response").getString("patch")), StandardCharsets.UTF_8));
    List<JsonPatch.Add> ops = patch.stream().map(o -> (JsonObject) o)
        .map(o -> new JsonPatch.Add(o.getString("path"), o.getValue("value"))).toList();
    ManifestInjector.Result printed = new ManifestInjector(new Injector(InjectionSettings.DEFAULTS))
        .inject("pod.json", pod.encode());
    assertTrue(printed.ok(), printed.errors().toString());
    assertEquals(JsonPatch.apply(pod, ops), new JsonObject(printed.output()));
  }

  @Test
  void onlyPostToTheInjectPath() throws Exception {
    assertEquals(405, post(client, webhook.actualPort(), InjectionWebhookVerticle.PATH, HttpMethod.PUT, "{}").status());
    assertEquals(404, post(client, webhook.actualPort(), "/mutate", HttpMethod.POST, "{}").status());
  }

  @Test
  void anOversizedBodyIsRefused() throws Exception {
    String big = "{\"pad\":\"" + "x".repeat(InjectionWebhookVerticle.MAX_BODY) + "\"}";
    assertEquals(413, post(client, webhook.actualPort(), InjectionWebhookVerticle.PATH, HttpMethod.POST, big).status());
  }

  @Test
  void aRenewedCertificateIsServedWithoutRestart(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Files.copy(SRC.resolve("tls/cert-a.pem"), cert);
    Files.copy(SRC.resolve("tls/key-a.pem"), key);
    InjectionWebhookVerticle w = new InjectionWebhookVerticle(new InjectionWebhookVerticle.Options("127.0.0.1", 0,
        cert, key, Duration.ofMillis(100)), new Injector(InjectionSettings.DEFAULTS));
    String id = vertx.deployVerticle(w).await(20, TimeUnit.SECONDS);
    HttpClientAgent trustsB = client(SRC.resolve("tls/cert-b.pem"));
    String review = Files.readString(CASES.resolve("allow-non-pod.request.json"));
    try {
      assertTrue(attempt(trustsB, w.actualPort(), review) == null, "certificate B must not be served yet");
      // As the kubelet updates a mounted Secret: new files replace the old ones.
      Files.copy(SRC.resolve("tls/key-b.pem"), dir.resolve("k.tmp"));
      Files.copy(SRC.resolve("tls/cert-b.pem"), dir.resolve("c.tmp"));
      Files.move(dir.resolve("k.tmp"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.move(dir.resolve("c.tmp"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      Answer served = null;
      while (served == null && System.nanoTime() < deadline) {
        served = attempt(trustsB, w.actualPort(), review);
      }
      assertTrue(served != null, "certificate B was not served within 20 s");
      assertEquals(200, served.status());
    } finally {
      trustsB.close();
      vertx.undeploy(id).await(20, TimeUnit.SECONDS);
    }
  }

  /** One request; null when the TLS handshake fails (the server's certificate is not trusted). */
  private static Answer attempt(HttpClientAgent c, int port, String body) {
    try {
      return post(c, port, InjectionWebhookVerticle.PATH, HttpMethod.POST, body);
    } catch (Exception e) {
      return null;
    }
  }

}
