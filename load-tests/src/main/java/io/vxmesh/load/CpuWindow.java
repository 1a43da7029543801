package io.vxmesh.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * The CPU time a proxy spends inside the measured window, read from {@code /proc} at its start and
 * end. Less sensitive to a busy machine than rates are: a proxy slowed down by a neighbour still
 * spends about the same CPU per round trip, connection or byte, so this figure compares proxies
 * even when the rates are noisy.
 */
final class CpuWindow {
  private final List<Long> pids;
  private final Promise<Void> ended = Promise.promise();
  private volatile long startTicks = -1;
  private volatile long endTicks = -1;
  private final double seconds;

  private CpuWindow(List<Long> pids, Duration duration) {
    this.pids = List.copyOf(pids);
    this.seconds = duration.toNanos() / 1e9;
  }

  static CpuWindow start(Vertx vertx, List<Long> pids, Duration warmup, Duration duration) {
    CpuWindow w = new CpuWindow(pids, duration);
    Rss.cpuTicks(pids); // fail now, not in the middle of the run, when a pid cannot be read
    vertx.setTimer(Math.max(1, warmup.toMillis()), a -> {
      w.startTicks = Rss.cpuTicks(w.pids);
      vertx.setTimer(Math.max(1, duration.toMillis()), b -> {
        w.endTicks = Rss.cpuTicks(w.pids);
        w.ended.tryComplete();
      });
    });
    return w;
  }

  /** The run's result with the window's figures, once the window has closed. */
  Future<JsonObject> around(Future<JsonObject> result) {
    return result.compose(r -> ended.future().map(v -> into(r)));
  }

  /** Adds {@code proxy_cpu_s}, {@code proxy_cpu_util} and the CPU per unit of work of the mode. */
  JsonObject into(JsonObject r) {
    if (startTicks < 0 || endTicks < 0) {
      return r;
    }
    double cpu = (endTicks - startTicks) / (double) Rss.CLOCK_TICKS_PER_SECOND;
    r.put("proxy_cpu_s", cpu).put("proxy_cpu_util", Math.round(cpu / seconds * 1000) / 1000.0);
    switch (r.getString("mode")) {
      case "rr" -> perOp(r, cpu, r.getLong("round_trips"), "proxy_cpu_us_per_round_trip");
      case "connrate" -> perOp(r, cpu, r.getLong("connections"), "proxy_cpu_us_per_connection");
      case "throughput" -> {
        long bytes = r.getLong("bytes");
        if (bytes > 0) {
          r.put("proxy_cpu_ms_per_gib", Math.round(cpu * 1e3 / (bytes / (double) (1L << 30)) * 100) / 100.0);
        }
      }
      default -> { }
    }
    return r;
  }

  private static void perOp(JsonObject r, double cpuSeconds, long ops, String key) {
    if (ops > 0) {
      r.put(key, Math.round(cpuSeconds * 1e6 / ops * 100) / 100.0);
    }
  }
}
