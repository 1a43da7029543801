package io.vxmesh.common;

import java.time.Duration;

/**
 * Parses durations as Istio writes them (Go/protobuf style): a sequence of decimal numbers each
 * with a unit, {@code 10s}, {@code 1h30m}, {@code 0.5s}, {@code 250ms}, {@code 0s}.
 */
public final class Durations {
  private Durations() {}

  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration");
    }
    String s = text.trim();
    long nanos = 0;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        throw new IllegalArgumentException("'" + text + "' is not a duration (expected e.g. 10s, 1h, 250ms)");
      }
      double value;
      try {
        value = Double.parseDouble(s.substring(start, i));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' is not a duration (expected e.g. 10s, 1h, 250ms)");
      }
      int unitStart = i;
      while (i < s.length() && Character.isLetter(s.charAt(i))) {
        i++;
      }
      String unit = s.substring(unitStart, i);
      long factor = switch (unit) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        default -> throw new IllegalArgumentException(
            "'" + text + "' has no valid unit (use ns, us, ms, s, m or h)");
      };
      nanos = Math.addExact(nanos, Math.round(value * factor));
    }
    return Duration.ofNanos(nanos);
  }

  /** Renders a duration the way Istio would print it: the largest exact unit. */
  public static String format(Duration d) {
    long n = d.toNanos();
    if (n == 0) {
      return "0s";
    }
    if (n % 3_600_000_000_000L == 0) {
      return n / 3_600_000_000_000L + "h";
    }
    if (n % 60_000_000_000L == 0) {
      return n / 60_000_000_000L + "m";
    }
    if (n % 1_000_000_000L == 0) {
      return n / 1_000_000_000L + "s";
    }
    if (n % 1_000_000L == 0) {
      return n / 1_000_000L + "ms";
    }
    return n + "ns";
  }
}
