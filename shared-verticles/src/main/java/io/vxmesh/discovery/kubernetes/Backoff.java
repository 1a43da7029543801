package io.vxmesh.discovery.kubernetes;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with full jitter: attempt n waits a random time in
 * [base * 2^n / 2, base * 2^n], never more than {@code max}. The random source is injected so
 * tests are exact.
 */
public record Backoff(Duration base, Duration max, DoubleSupplier random) {

  public static final Duration DEFAULT_BASE = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX = Duration.ofSeconds(30);

  public static Backoff defaults() {
    return new Backoff(DEFAULT_BASE, DEFAULT_MAX, Math::random);
  }

  /** The delay before retry number {@code attempt} (0-based), in milliseconds, at least 1. */
  public long delayMillis(int attempt) {
    long cap = max.toMillis();
    long exp = base.toMillis() << Math.min(Math.max(attempt, 0), 30);
    long ceiling = exp <= 0 || exp > cap ? cap : exp;
    double r = random.getAsDouble();
    return Math.max(1, (long) (ceiling / 2.0 + r * (ceiling / 2.0)));
  }
}
