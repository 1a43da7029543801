package io.vxmesh.load;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/** Latencies in nanoseconds, 3 significant digits, up to a minute; reported in microseconds. */
final class Latency {
  private final Histogram histogram = new SynchronizedHistogram(TimeUnit.MINUTES.toNanos(1), 3);

  void record(long nanos) {
    histogram.recordValue(Math.min(Math.max(nanos, 0), histogram.getHighestTrackableValue()));
  }

  long count() {
    return histogram.getTotalCount();
  }

  /** Adds {@code p50_us}, {@code p90_us}, {@code p99_us}, {@code p999_us}, {@code max_us}, {@code mean_us}. */
  JsonObject into(JsonObject o) {
    if (histogram.getTotalCount() == 0) {
      return o;
    }
    o.put("p50_us", us(histogram.getValueAtPercentile(50)));
    o.put("p90_us", us(histogram.getValueAtPercentile(90)));
    o.put("p99_us", us(histogram.getValueAtPercentile(99)));
    o.put("p999_us", us(histogram.getValueAtPercentile(99.9)));
    o.put("max_us", us(histogram.getMaxValue()));
    o.put("mean_us", Math.round(histogram.getMean() / 10.0) / 100.0);
    return o;
  }

  private static double us(long nanos) {
    return Math.round(nanos / 10.0) / 100.0;
  }
}
