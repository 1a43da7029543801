package io.vxmesh.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Resident set size of processes, from {@code /proc/PID/status} (Linux). */
final class Rss {
  private Rss() {}

  /** The summed VmRSS of {@code pids} in KiB. */
  static long kib(List<Long> pids) {
    long sum = 0;
    for (long pid : pids) {
      sum += kib(pid);
    }
    return sum;
  }

  static long kib(long pid) {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).replace("kB", "").trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw new IllegalArgumentException("cannot read the resident size of process " + pid + " from "
          + status + ": " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(status + " has no VmRSS line (is process " + pid + " a zombie?)");
  }
}
