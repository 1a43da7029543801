package io.vxmesh.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Resident size and CPU time of processes, from {@code /proc} (Linux). */
final class Rss {
  /** USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on every Linux ABI vxmesh runs on. */
  static final int CLOCK_TICKS_PER_SECOND = 100;

  private Rss() {}

  /**
   * Asks the JVM {@code pid} to return the native memory it has freed to the OS ({@code jcmd PID
   * System.trim_native_heap}, with the jcmd beside this JVM's java). Blocking: call it from a worker.
   */
  static void trimJvm(long pid) {
    Path self = Path.of(ProcessHandle.current().info().command().orElse("java"));
    Path jcmd = self.resolveSibling("jcmd");
    try {
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "System.trim_native_heap")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(jcmd + " " + pid + " System.trim_native_heap did not finish in 30 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(jcmd + " " + pid + " System.trim_native_heap exited " + p.exitValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + jcmd + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trimming process " + pid, e);
    }
  }

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

  /** User plus system CPU time of {@code pids} (all their threads), in clock ticks. */
  static long cpuTicks(List<Long> pids) {
    long sum = 0;
    for (long pid : pids) {
      Path stat = Path.of("/proc", Long.toString(pid), "stat");
      try {
        String s = Files.readString(stat);
        // pid (comm) state ppid ...: comm may hold spaces, so count fields after the last ')'.
        String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
        sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("cannot read the CPU time of process " + pid + " from " + stat + ": "
            + e.getMessage(), e);
      }
    }
    return sum;
  }
}
