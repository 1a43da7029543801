package io.vxmesh.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vxmesh.common.Durations;
import io.vxmesh.common.LogSetup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar vxmesh-load.jar MODE ...}: the TCP load driver and its backends. Each driver
 * mode prints one JSON line with its figures on standard output (and a summary on standard error),
 * then exits; every run is bounded in time and targets loopback only.
 */
@Command(name = "vxmesh-load", mixinStandardHelpOptions = true, version = "vxmesh-load 0.1.0",
    description = "TCP load driver (throughput, rr, connrate, idle) and loopback backends for vxmesh benchmarks.",
    subcommands = {LoadMain.ThroughputCmd.class, LoadMain.RrCmd.class, LoadMain.ConnRateCmd.class,
        LoadMain.IdleCmd.class, LoadMain.BackendCmd.class, LoadMain.ReportCmd.class})
public final class LoadMain {

  static final int MAX_SECONDS = 600;

  public static void main(String[] args) {
    LogSetup.install(Level.WARNING);
    int code = new CommandLine(new LoadMain()).execute(args);
    System.exit(code);
  }

  /** Options every driver mode takes. */
  abstract static class DriverCmd implements Callable<Integer> {
    @Option(names = "--target", required = true, paramLabel = "HOST:PORT", description = "Where to connect (loopback only).")
    String target;

    @Option(names = "--duration", defaultValue = "5s", paramLabel = "DURATION", description = "Measured time. Default: ${DEFAULT-VALUE}.")
    String duration;

    @Option(names = "--warmup", defaultValue = "1s", paramLabel = "DURATION", description = "Time run but not measured first. Default: ${DEFAULT-VALUE}.")
    String warmup;

    @Option(names = "--event-loops", defaultValue = "1", paramLabel = "N", description = "Driver event loops. Default: ${DEFAULT-VALUE}.")
    int eventLoops;

    @Option(names = "--label", paramLabel = "TEXT", description = "Copied into the JSON result (e.g. the proxy's name).")
    String label;

    @Option(names = "--pid", paramLabel = "PID",
        description = "Process(es) (the proxy) whose CPU time in the measured window is reported (repeatable).")
    List<Long> pids = new ArrayList<>();

    Duration duration() {
      return bounded("--duration", duration);
    }

    Duration warmup() {
      return bounded("--warmup", warmup);
    }

    abstract Future<JsonObject> run(Vertx vertx, Target target);

    @Override
    public Integer call() throws Exception {
      Target t = Target.parse(target);
      Duration w = warmup();
      Duration d = duration();
      return runToCompletion(eventLoops, vertx -> {
        CpuWindow cpu = pids.isEmpty() ? null : CpuWindow.start(vertx, pids, w, d);
        Future<JsonObject> result = run(vertx, t);
        return cpu == null ? result : cpu.around(result);
      }, label);
    }
  }

  static Duration bounded(String flag, String text) {
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(new LoadMain()), flag + ": " + e.getMessage());
    }
    if (d.toSeconds() > MAX_SECONDS) {
      throw new IllegalArgumentException(flag + " " + text + " is longer than the " + MAX_SECONDS + " s a run may take");
    }
    return d;
  }

  /** Runs one measurement on a fresh Vert.x, prints its JSON line, and tells the exit code. */
  static int runToCompletion(int eventLoops, Function<Vertx, Future<JsonObject>> run, String label) throws Exception {
    Vertx vertx = Drivers.vertx(eventLoops);
    try {
      JsonObject r = run.apply(vertx).toCompletionStage().toCompletableFuture().get(MAX_SECONDS + 120, TimeUnit.SECONDS);
      if (label != null) {
        r.put("label", label);
      }
      System.out.println(r.encode());
      System.err.println(summary(r));
      return 0;
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("vxmesh-load: " + e.getCause().getMessage());
      return 1;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  static String summary(JsonObject r) {
    return switch (r.getString("mode")) {
      case "throughput" -> String.format("%s %s x%d: %.1f MiB/s (%.3f Gbit/s), errors %d", r.getString("target"),
          r.getString("direction"), r.getInteger("streams"), r.getDouble("mib_per_s"), r.getDouble("gbit_per_s"),
          r.getLong("errors"));
      case "rr" -> String.format("%s rr x%d: %d round trips/s, p50 %s us, p99 %s us, p99.9 %s us, errors %d",
          r.getString("target"), r.getInteger("connections"), r.getLong("round_trips_per_s"), r.getValue("p50_us"),
          r.getValue("p99_us"), r.getValue("p999_us"), r.getLong("errors"));
      case "connrate" -> String.format("%s connrate x%d: %d connections/s, p50 %s us, p99 %s us, errors %d+%d",
          r.getString("target"), r.getInteger("workers"), r.getLong("connections_per_s"), r.getValue("p50_us"),
          r.getValue("p99_us"), r.getLong("errors"), r.getLong("connect_errors"));
      case "idle" -> String.format("%s idle: %d/%d established, %d dropped%s", r.getString("target"),
          r.getInteger("established"), r.getInteger("requested"), r.getLong("dropped_while_held"),
          r.containsKey("rss_per_connection_bytes") ? String.format(", RSS %d -> %d KiB (%d B per connection)",
              r.getLong("rss_before_kib"), r.getLong("rss_after_kib"), r.getLong("rss_per_connection_bytes")) : "");
      default -> r.encode();
    };
  }

  @Command(name = "throughput", mixinStandardHelpOptions = true,
      description = "Bulk bytes over N streams: download from a source backend (default) or upload to a sink backend.")
  static final class ThroughputCmd extends DriverCmd {
    @Option(names = "--streams", defaultValue = "1", description = "Parallel connections. Default: ${DEFAULT-VALUE}.")
    int streams;

    @Option(names = "--upload", description = "Write to a sink backend instead of reading from a source backend.")
    boolean upload;

    @Override
    Future<JsonObject> run(Vertx vertx, Target t) {
      return Throughput.run(vertx, new Throughput.Options(t, streams, upload, warmup(), duration()));
    }
  }

  @Command(name = "rr", mixinStandardHelpOptions = true,
      description = "Request/response on persistent connections to an echo backend: round trips/s, p50, p99, p99.9.")
  static final class RrCmd extends DriverCmd {
    @Option(names = "--connections", defaultValue = "16", description = "Persistent connections, one request in flight each. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = "--size", defaultValue = "64", description = "Request (and response) bytes. Default: ${DEFAULT-VALUE}.")
    int size;

    @Override
    Future<JsonObject> run(Vertx vertx, Target t) {
      return RoundTrips.run(vertx, new RoundTrips.Options(t, connections, size, warmup(), duration()));
    }
  }

  @Command(name = "connrate", mixinStandardHelpOptions = true,
      description = "Connect, one echo, close, by c concurrent workers: connections/s and cycle latency.")
  static final class ConnRateCmd extends DriverCmd {
    @Option(names = {"--workers", "-c"}, defaultValue = "32", description = "Concurrent workers. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--size", defaultValue = "64", description = "Bytes echoed per connection. Default: ${DEFAULT-VALUE}.")
    int size;

    @Override
    Future<JsonObject> run(Vertx vertx, Target t) {
      return ConnectRate.run(vertx, new ConnectRate.Options(t, workers, size, warmup(), duration()));
    }
  }

  @Command(name = "idle", mixinStandardHelpOptions = true,
      description = "Hold N idle connections (each proven by one echo); with --pid, the resident size they cost a process.")
  static final class IdleCmd implements Callable<Integer> {
    @Option(names = "--target", required = true, paramLabel = "HOST:PORT", description = "An echo backend or a proxy in front of one.")
    String target;

    @Option(names = "--connections", defaultValue = "1000", description = "Connections to hold. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = "--concurrency", defaultValue = "64", description = "Connections being opened at once. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--settle", defaultValue = "1s", description = "Wait after the last one opened before reading RSS. Default: ${DEFAULT-VALUE}.")
    String settle;

    @Option(names = "--hold", defaultValue = "1s", description = "How long they are held after that. Default: ${DEFAULT-VALUE}.")
    String hold;

    @Option(names = "--pid", paramLabel = "PID", description = "Process(es) whose summed RSS is read before and after (repeatable).")
    List<Long> pids = new ArrayList<>();

    @Option(names = "--jvm-trim", description = "The --pid processes are JVMs: before each RSS reading, ask them "
        + "to return the native memory they freed (jcmd PID System.trim_native_heap, what the vxmesh launcher's "
        + "-XX:TrimNativeHeapInterval does every 30 s), so JIT scratch memory is not counted per connection.")
    boolean jvmTrim;

    @Option(names = "--label", paramLabel = "TEXT", description = "Copied into the JSON result.")
    String label;

    @Override
    public Integer call() throws Exception {
      Target t = Target.parse(target);
      IdleHold.Options o = new IdleHold.Options(t, connections, concurrency, 64, bounded("--settle", settle),
          bounded("--hold", hold), pids, jvmTrim);
      return runToCompletion(1, vertx -> IdleHold.run(vertx, o), label);
    }
  }

  @Command(name = "backend", mixinStandardHelpOptions = true,
      description = "Serve echo, source, sink and/or HTTP on loopback; prints {\"echo\":PORT,...} once listening.")
  static final class BackendCmd implements Callable<Integer> {
    @Option(names = "--address", defaultValue = "127.0.0.1", description = "Loopback address. Default: ${DEFAULT-VALUE}.")
    String address;

    @Option(names = "--echo", paramLabel = "PORT", description = "Echo server port (0: any).")
    Integer echo;

    @Option(names = "--more-echo", paramLabel = "PORT", split = ",",
        description = "More echo ports (repeatable, comma-separated): one per proxy under test, so that each "
            + "proxy's connections to the backend have their own port space (TIME_WAIT left by one never slows another).")
    List<Integer> moreEcho = new ArrayList<>();

    @Option(names = "--source", paramLabel = "PORT", description = "Source server port (0: any).")
    Integer source;

    @Option(names = "--sink", paramLabel = "PORT", description = "Sink server port (0: any).")
    Integer sink;

    @Option(names = "--http", paramLabel = "PORT", description = "HTTP server port (0: any).")
    Integer http;

    @Option(names = "--event-loops", defaultValue = "1", description = "Event loops. Default: ${DEFAULT-VALUE}.")
    int eventLoops;

    @Option(names = "--max-time", defaultValue = "15m", description = "Exit after this long in any case. Default: ${DEFAULT-VALUE}.")
    String maxTime;

    @Override
    public Integer call() throws Exception {
      new Target(address, 1).requireLoopback();
      Duration limit = Durations.parse(maxTime);
      Vertx vertx = Drivers.vertx(eventLoops);
      Backend b;
      try {
        b = Backend.start(vertx, new Backend.Spec(address, echo, source, sink, http, moreEcho))
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        System.err.println("vxmesh-load backend: " + e.getCause().getMessage());
        vertx.close();
        return 1;
      }
      System.out.println(b.ports().encode());
      System.out.flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "backend-stop"));
      stop.await(limit.toMillis(), TimeUnit.MILLISECONDS);
      b.closeAsync().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return 0;
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true,
      description = "Build bench.sh's table and JSON from a bench work directory.")
  static final class ReportCmd implements Callable<Integer> {
    @Option(names = "--dir", required = true, description = "The bench work directory (results.jsonl, iperf-*.json, startup.jsonl).")
    java.nio.file.Path dir;

    @Option(names = "--out", required = true, description = "Where to write the JSON report.")
    java.nio.file.Path out;

    @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "Copied to the report's top level (repeatable).")
    java.util.Map<String, String> meta = new java.util.LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
      JsonObject report = Report.build(dir, meta);
      String table = Report.table(report);
      report.put("table_markdown", table);
      if (out.getParent() != null) {
        java.nio.file.Files.createDirectories(out.getParent());
      }
      java.nio.file.Files.writeString(out, report.encodePrettily() + "\n");
      System.out.print(table);
      return 0;
    }
  }
}
