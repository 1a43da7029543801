package io.vxmesh.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Puts the JIT compiler threads back at the process's priority once the proxy is ready. The launcher may
 * start the JVM with its compiler threads at a lower priority ({@code -XX:CompilerThreadPriority},
 * announced as {@code -Dvxmesh.jitNice=N}): they then leave the CPUs to start-up work, which
 * reaches {@code /ready} sooner, but under load the same nice value starves them (a CPU-bound event
 * loop leaves them a tenth of its CPU, and connection set-up stayed ~25 % dearer after 20 s of
 * load). They go back to the nice value the process itself runs at (read from /proc/self/stat: a
 * proxy started with {@code nice -n -5} gets its JIT at -5, not 0). Raising a priority back needs CAP_SYS_NICE, which the launcher's default (root only)
 * has; without it the threads keep the lower priority and this says so at debug level.
 */
public final class JitPriority {
  private static final Logger LOG = Logger.getLogger(JitPriority.class.getName());
  /** The system property the launcher sets with the compiler threads' nice value. */
  public static final String PROPERTY = "vxmesh.jitNice";

  private JitPriority() {}

  /** The nice value the launcher gave the compiler threads, or 0 when it left them alone. */
  public static int startNice() {
    return Integer.getInteger(PROPERTY, 0);
  }

  /** Thread ids of this JVM's JIT compiler threads (Linux: their names in /proc/self/task). */
  static List<String> compilerThreads(Path tasks) throws IOException {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
      for (Path task : dir) {
        String comm;
        try {
          comm = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
        } catch (IOException gone) {
          continue; // the thread ended while we listed
        }
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
          out.add(task.getFileName().toString());
        }
      }
    }
    return out;
  }

  /**
   * The nice value in a /proc stat line: field 19, counted after the parenthesised command name
   * (which may hold spaces and parentheses itself).
   */
  static int niceOf(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
    if (f.length < 17) {
      throw new IllegalArgumentException("not a /proc stat line: " + stat);
    }
    return Integer.parseInt(f[16]); // f[0] is field 3 (state)
  }

  /** The nice value of the process (its main thread), which the compiler threads go back to. */
  static int processNice() throws IOException {
    return niceOf(Files.readString(Path.of("/proc/self/stat"), StandardCharsets.UTF_8));
  }

  /**
   * Blocking (run it on a worker or virtual thread): sets the compiler threads' nice value to the
   * process's with {@code renice}. True when every one was changed.
   */
  public static boolean restore() {
    try {
      List<String> tids = compilerThreads(Path.of("/proc/self/task"));
      if (tids.isEmpty()) {
        return false;
      }
      int nice = processNice();
      List<String> cmd = new ArrayList<>(List.of("renice", Integer.toString(nice), "-p"));
      cmd.addAll(tids);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      boolean exited = p.waitFor(5, TimeUnit.SECONDS);
      boolean ok = exited && p.exitValue() == 0;
      if (!exited) {
        p.destroyForcibly();
      }
      LOG.fine(ok ? "JIT compiler threads " + tids + " back at nice " + nice
          : "JIT compiler threads " + tids + " keep nice " + startNice() + " (renice: " + out + ")");
      return ok;
    } catch (IOException | RuntimeException e) {
      LOG.fine("JIT compiler threads keep nice " + startNice() + ": " + e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
