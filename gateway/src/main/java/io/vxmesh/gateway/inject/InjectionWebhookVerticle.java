package io.vxmesh.gateway.inject;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The sidecar-injection mutating admission webhook: HTTPS, {@code POST /inject} with an
 * {@code AdmissionReview} v1, answered by {@link AdmissionReviews} (pure).
 *
 * <p>TLS: the serving certificate and key are PEM files that the operator provides (in the
 * manifests: a {@code kubernetes.io/tls} Secret issued by cert-manager, which also writes the CA into
 * the MutatingWebhookConfiguration's caBundle; or one made by hand, see k8s/README.md). The files are
 * re-read every {@code reloadInterval} and a changed pair is swapped in without a restart
 * ({@link HttpServer#updateSSLOptions}), so a renewed Secret is served once the kubelet has updated the
 * mounted volume. A pair that does not load is reported and the previous one stays in force.
 *
 * <p>Bodies are limited to {@value #MAX_BODY} bytes (the API server's own request limit is 3 MiB);
 * idle connections are closed after {@value #IDLE_SECONDS} s; the handshake must finish in 10 s.
 */
public final class InjectionWebhookVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(InjectionWebhookVerticle.class.getName());

  public static final String PATH = "/inject";
  static final int MAX_BODY = 8 * 1024 * 1024;
  static final int IDLE_SECONDS = 60;

  /** Where and how to serve. */
  public record Options(String host, int port, Path certFile, Path keyFile, Duration reloadInterval) {
    public static final Duration DEFAULT_RELOAD = Duration.ofSeconds(30);
  }

  private final Options options;
  private final Injector injector;
  private HttpServer server;
  private byte[] cert;
  private byte[] key;
  private long timer = -1;
  private volatile int actualPort = -1;

  public InjectionWebhookVerticle(Options options, Injector injector) {
    this.options = options;
    this.injector = injector;
  }

  /** The bound port (useful when {@code port} was 0), -1 before start. */
  public int actualPort() {
    return actualPort;
  }

  @Override
  public Future<?> start() {
    return readPair()
        .compose(pair -> {
          cert = pair[0];
          key = pair[1];
          HttpServerOptions opts = new HttpServerOptions()
              .setHost(options.host())
              .setPort(options.port())
              .setSsl(true)
              .setKeyCertOptions(keyCert(cert, key))
              .setSslHandshakeTimeout(10).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
              .setIdleTimeout(IDLE_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS)
              .setCompressionSupported(false);
          server = vertx.createHttpServer(opts).requestHandler(this::handle);
          return server.listen();
        })
        .recover(e -> Future.failedFuture(new IllegalStateException("injection webhook on " + options.host() + ":"
            + options.port() + " (certificate " + options.certFile() + ", key " + options.keyFile() + "): "
            + e.getMessage(), e)))
        .onSuccess(s -> {
          actualPort = s.actualPort();
          long every = Math.max(1, options.reloadInterval().toMillis());
          timer = vertx.setPeriodic(every, id -> reload());
          LOG.info("injection webhook serving https://" + options.host() + ":" + actualPort + PATH);
        });
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest req) {
    if (!PATH.equals(req.path())) {
      reply(req, new AdmissionReviews.Reply(404,
          new JsonObject().put("error", "no such path " + req.path() + "; POST " + PATH)));
      return;
    }
    if (req.method() != HttpMethod.POST) {
      reply(req, new AdmissionReviews.Reply(405,
          new JsonObject().put("error", "use POST " + PATH + " with an AdmissionReview")));
      return;
    }
    String length = req.getHeader("Content-Length");
    if (length != null && length.chars().allMatch(Character::isDigit) && !length.isEmpty()
        && Long.parseLong(length) > MAX_BODY) {
      reply(req, tooLarge());
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] over = {false};
    req.handler(chunk -> {
      if (over[0]) {
        return;
      }
      if (body.length() + chunk.length() > MAX_BODY) {
        over[0] = true;
        reply(req, tooLarge());
        req.connection().close();
        return;
      }
      body.appendBuffer(chunk);
    });
    req.exceptionHandler(e -> LOG.fine("injection webhook: request from " + req.remoteAddress() + " failed: " + e));
    req.endHandler(v -> {
      if (!over[0]) {
        reply(req, AdmissionReviews.respond(body.toString(java.nio.charset.StandardCharsets.UTF_8), injector));
      }
    });
  }

  private static AdmissionReviews.Reply tooLarge() {
    return new AdmissionReviews.Reply(413, new JsonObject()
        .put("error", "the request body is larger than " + MAX_BODY + " bytes"));
  }

  private static void reply(HttpServerRequest req, AdmissionReviews.Reply r) {
    if (r.status() != 200) {
      LOG.warning("injection webhook: " + r.status() + " to " + req.remoteAddress() + ": " + r.body().getString("error"));
    } else if (r.body().getJsonObject("response").getBoolean("allowed") == Boolean.FALSE) {
      LOG.warning("injection webhook: denied: " + r.body().getJsonObject("response").getJsonObject("status").getString("message"));
    }
    req.response().setStatusCode(r.status()).putHeader("Content-Type", "application/json").end(r.body().encode());
  }

  // ---------------------------------------------------------------- certificate files

  private Future<byte[][]> readPair() {
    return vertx.executeBlocking(() -> new byte[][] {
        read(options.certFile(), "certificate"), read(options.keyFile(), "key")});
  }

  private static byte[] read(Path p, String what) throws java.io.IOException {
    try {
      return Files.readAllBytes(p);
    } catch (java.io.IOException e) {
      throw new java.io.IOException("cannot read the " + what + " file " + p + ": " + e, e);
    }
  }

  private static PemKeyCertOptions keyCert(byte[] cert, byte[] key) {
    return new PemKeyCertOptions().setCertValue(Buffer.buffer(cert)).setKeyValue(Buffer.buffer(key));
  }

  private void reload() {
    readPair().compose(pair -> {
      if (Arrays.equals(pair[0], cert) && Arrays.equals(pair[1], key)) {
        return Future.succeededFuture(false);
      }
      return server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(keyCert(pair[0], pair[1])))
          .onSuccess(changed -> {
            cert = pair[0];
            key = pair[1];
            LOG.info("injection webhook: certificate " + options.certFile() + " reloaded");
          });
    }).onFailure(e -> LOG.warning("injection webhook: keeping the current certificate: " + e.getMessage()));
  }
}
