package io.vxmesh.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The driver against its own backends on loopback, a few hundred milliseconds per mode: every mode
 * produces sane figures, the backends speak their protocols (checked with plain sockets), and a
 * dead target fails the run in bounded time instead of hanging or reporting numbers.
 */
class DriverTest {
  static final Duration SHORT = Duration.ofMillis(300);
  static final Duration NO_WARMUP = Duration.ZERO;

  static Vertx vertx;
  static Backend backend;

  @BeforeAll
  static void start() throws Exception {
    vertx = Drivers.vertx(1);
    backend = await(Backend.start(vertx, new Backend.Spec("127.0.0.1", 0, 0, 0, 0)));
  }

  @AfterAll
  static void stop() throws Exception {
    backend.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static Target target(String kind) {
    return new Target("127.0.0.1", backend.port(kind));
  }

  @Test
  void echoSendsBackEveryByteAndAnswersFinWithFin() throws Exception {
    try (Socket s = new Socket("127.0.0.1", backend.port("echo"))) {
      s.setSoTimeout(10_000);
      byte[] payload = new byte[200_000];
      for (int i = 0; i < payload.length; i++) {
        payload[i] = (byte) (i * 31);
      }
      Thread writer = Thread.ofVirtual().start(() -> {
        try {
          s.getOutputStream().write(payload);
          s.shutdownOutput();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      byte[] back = s.getInputStream().readAllBytes();
      writer.join(10_000);
      assertEquals(payload.length, back.length);
      assertTrue(java.util.Arrays.equals(payload, back), "echo changed bytes");
    }
  }

  @Test
  void sinkAnswersTheByteCountAfterFin() throws Exception {
    try (Socket s = new Socket("127.0.0.1", backend.port("sink"))) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(new byte[123_457]);
      s.shutdownOutput();
      byte[] answer = s.getInputStream().readAllBytes();
      assertEquals(8, answer.length);
      assertEquals(123_457L, ByteBuffer.wrap(answer).getLong());
    }
  }

  @Test
  void sourceSendsUntilThePeerLeaves() throws Exception {
    try (Socket s = new Socket("127.0.0.1", backend.port("source"))) {
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      byte[] buf = new byte[1 << 16];
      long got = 0;
      while (got < 1_000_000) {
        int n = in.read(buf);
        assertTrue(n > 0, "source ended early");
        got += n;
      }
      assertEquals('a', buf[0] >= 'a' && buf[0] <= 'z' ? 'a' : buf[0], "pattern bytes are letters");
    }
  }

  @Test
  void httpAnswersTextAndSizedBodies() throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String base = "http://127.0.0.1:" + backend.port("http");
    HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, hello.statusCode());
    assertEquals("hello from the vxmesh load backend\n", hello.body());
    HttpResponse<byte[]> bytes = client.send(HttpRequest.newBuilder(URI.create(base + "/bytes/16384")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(16384, bytes.body().length);
    assertEquals(400, client.send(HttpRequest.newBuilder(URI.create(base + "/bytes/x")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode());
  }

  @ParameterizedTest(name = "{0} stream(s)")
  @CsvSource({"1", "3"})
  void downloadCountsBytesInTheWindow(int streams) throws Exception {
    JsonObject r = await(Throughput.run(vertx, new Throughput.Options(target("source"), streams, false,
        Duration.ofMillis(50), SHORT)));
    assertEquals("download", r.getString("direction"));
    assertEquals(streams, r.getInteger("streams"));
    assertTrue(r.getLong("bytes") > 1_000_000, r.encode());
    assertEquals(0L, r.getLong("errors"), r.encode());
    assertEquals(r.getLong("bytes") * 8 / 0.3 / 1e9, r.getDouble("gbit_per_s"), 0.01, r.encode());
  }

  @Test
  void uploadIsCountedByWhatTheSinkReceived() throws Exception {
    JsonObject r = await(Throughput.run(vertx, new Throughput.Options(target("sink"), 2, true, NO_WARMUP, SHORT)));
    assertEquals("upload", r.getString("direction"));
    assertTrue(r.getLong("bytes") > 1_000_000, r.encode());
    assertEquals(0L, r.getLong("errors"), r.encode());
  }

  @ParameterizedTest(name = "{0} connection(s), {1} bytes")
  @CsvSource({"1, 64", "8, 64", "4, 5000"})
  void rrMeasuresRoundTrips(int connections, int size) throws Exception {
    JsonObject r = await(RoundTrips.run(vertx, new RoundTrips.Options(target("echo"), connections, size,
        Duration.ofMillis(50), SHORT)));
    assertTrue(r.getLong("round_trips") > 50, r.encode());
    assertEquals(0L, r.getLong("errors"), r.encode());
    assertTrue(r.getDouble("p50_us") <= r.getDouble("p99_us"), r.encode());
    assertTrue(r.getDouble("p99_us") <= r.getDouble("p999_us"), r.encode());
    assertTrue(r.getDouble("p999_us") <= r.getDouble("max_us"), r.encode());
    assertEquals(Math.round(r.getLong("round_trips") / 0.3), r.getLong("round_trips_per_s"), 1.0, r.encode());
  }

  @Test
  void connrateOpensAndClosesConnections() throws Exception {
    JsonObject r = await(ConnectRate.run(vertx, new ConnectRate.Options(target("echo"), 4, 64, NO_WARMUP, SHORT)));
    assertTrue(r.getLong("connections") > 20, r.encode());
    assertEquals(0L, r.getLong("errors"), r.encode());
    assertEquals(0L, r.getLong("connect_errors"), r.encode());
    assertTrue(r.getDouble("p50_us") <= r.getDouble("p99_us"), r.encode());
  }

  /** With --jvm-trim the JVM (here the test's own) is trimmed through jcmd before each reading. */
  @ParameterizedTest(name = "jvmTrim={0}")
  @ValueSource(booleans = {false, true})
  void idleHoldsEveryConnectionAndReadsRss(boolean jvmTrim) throws Exception {
    long self = ProcessHandle.current().pid();
    JsonObject r = await(IdleHold.run(vertx, new IdleHold.Options(target("echo"), 100, 16, 64,
        Duration.ofMillis(50), Duration.ofMillis(100), List.of(self), jvmTrim)));
    assertEquals(100, r.getInteger("established"), r.encode());
    assertEquals(0L, r.getLong("failed"), r.encode());
    assertEquals(0L, r.getLong("dropped_while_held"), r.encode());
    assertTrue(r.getLong("rss_before_kib") > 0 && r.getLong("rss_after_kib") > 0, r.encode());
    assertEquals(jvmTrim, r.getBoolean("jvm_trim"), r.encode());
  }

  /** Nothing listens: every mode fails within its bound, with a message naming the target. */
  @Test
  void aDeadTargetFailsTheRunQuickly() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      dead = s.getLocalPort();
    }
    Target t = new Target("127.0.0.1", dead);
    long t0 = System.nanoTime();
    for (Future<JsonObject> run : List.of(
        RoundTrips.run(vertx, new RoundTrips.Options(t, 2, 64, NO_WARMUP, SHORT)),
        ConnectRate.run(vertx, new ConnectRate.Options(t, 2, 64, NO_WARMUP, SHORT)),
        Throughput.run(vertx, new Throughput.Options(t, 1, false, NO_WARMUP, SHORT)))) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(run));
      assertTrue(e.getCause().getMessage().contains(String.valueOf(dead)), e.getCause().getMessage());
    }
    assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "a dead target took more than 20 s");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"10.0.0.1:80", "192.168.1.1:9000", "example.com:80", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:x"})
  void onlyLoopbackTargetsAreAccepted(String text) {
    assertThrows(IllegalArgumentException.class, () -> Target.parse(text));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"127.0.0.1:9000, 127.0.0.1, 9000", "127.1.2.3:1, 127.1.2.3, 1", "localhost:80, localhost, 80",
      "'[::1]:19000', ::1, 19000"})
  void loopbackTargetsParse(String text, String host, int port) {
    assertEquals(new Target(host, port), Target.parse(text));
  }
}
