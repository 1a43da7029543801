package io.vxmesh.load;

import java.time.Duration;

/**
 * The clock of one run: a warm-up whose samples are thrown away, then the measured window, then
 * stop. Read from any thread; the window's bounds are fixed when the run starts.
 */
final class Phases {
  private final long start;
  private final long measureFrom;
  private final long measureTo;

  Phases(Duration warmup, Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("--duration must be positive, got " + duration);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup must not be negative, got " + warmup);
    }
    start = System.nanoTime();
    measureFrom = start + warmup.toNanos();
    measureTo = measureFrom + duration.toNanos();
  }

  /** True while samples count. */
  boolean measuring(long now) {
    return now >= measureFrom && now < measureTo;
  }

  /** True once the run is over: no new work is started. */
  boolean over(long now) {
    return now >= measureTo;
  }

  long nanosUntilEnd(long now) {
    return Math.max(0, measureTo - now);
  }

  long nanosUntilMeasuring(long now) {
    return Math.max(0, measureFrom - now);
  }

  double measuredSeconds() {
    return (measureTo - measureFrom) / 1e9;
  }
}
