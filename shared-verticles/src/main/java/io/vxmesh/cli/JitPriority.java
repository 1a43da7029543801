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
 * Runs the JIT compiler threads at a lower priority while the proxy starts, and puts them back at
 * the process's own priority once it is ready. The launcher asks for it with
 * {@code -Dvxmesh.jitNice=N}: at the start of {@code main} the compiler threads are reniced to the
 * process's nice value plus N (at most 19), so that they leave the CPUs to start-up work, which
 * reaches {@code /ready} sooner; at the first {@code /ready} they go back to the process's nice
 * value (read from /proc/self/stat), because under load a lower priority starves them (a CPU-bound
 * event loop leaves them a tenth of its CPU, and connection set-up stayed ~25 % dearer after 20 s).
 *
 * <p>This is done here with {@code renice} rather than with HotSpot's
 * {@code -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority}: that policy also sets every Java
 * thread to the nice value of its Java priority (0 for a normal thread), so a proxy started with
 * {@code nice -n -5} had its event loops at 0. Raising a priority back needs CAP_SYS_NICE, which
 * the launcher's default (root only) has; without it the threads keep the lower priority and this
 * says so at debug level.
 */
public final class JitPriority {
  /**
   * Looked up when first used, off {@code main}: this class runs first thing in {@code main}, and
   * the first logger of a JVM initialises java.util.logging (~30 ms of a start, which the warm-up
   * threads, started here, then pay in parallel instead).
   */
  private static Logger log() {
    return Logger.getLogger(JitPriority.class.getName());
  }
  /** The system property the launcher sets: how many nice levels below the process the JIT starts. */
  public static final String PROPERTY = "vxmesh.jitNice";

  /** Done once the start-up lowering has run (or was not asked for): restore() waits for it. */
  private static final java.util.concurrent.CompletableFuture<Void> LOWERED = new java.util.concurrent.CompletableFuture<>();

  private JitPriority() {}

  /** How many nice levels below the process the launcher asked the compiler threads to start, or 0. */
  public static int startNice() {
    return Math.max(0, Integer.getInteger(PROPERTY, 0));
  }

  /** The start-up nice value of the compiler threads: {@code offset} below the process, at most 19. */
  static int loweredNice(int processNice, int offset) {
    return Math.min(19, processNice + offset);
  }

  /**
   * When the launcher asked for it, lowers the compiler threads' priority on a daemon thread of
   * its own (a {@code renice} costs a fork) and returns at once.
   */
  public static void lowerAtStart() {
    int offset = startNice();
    if (offset == 0) {
      LOWERED.complete(null);
      return;
    }
    Thread.ofPlatform().name("vxmesh-jit-priority").daemon().start(() -> {
      try {
        renice(loweredNice(processNice(), offset));
      } catch (IOException | RuntimeException e) {
        log().fine("JIT compiler threads keep the process's priority: " + e.getMessage());
      } finally {
        LOWERED.complete(null);
      }
    });
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
   * Blocking (run it on a worker or virtual thread): sets the compiler threads' nice value back to
   * the process's with {@code renice}, after the start-up lowering (if any) has run. True when
   * every one was changed.
   */
  public static boolean restore() {
    // A start that is ready before the lowering ran must not be lowered after it was restored.
    LOWERED.completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
    try {
      return renice(processNice());
    } catch (IOException | RuntimeException e) {
      log().fine("JIT compiler threads keep their start-up priority: " + e.getMessage());
      return false;
    }
  }

  /** Sets every compiler thread's nice value; true when renice changed them all. Blocking. */
  static boolean renice(int nice) throws IOException {
    List<String> tids = compilerThreads(Path.of("/proc/self/task"));
    if (tids.isEmpty()) {
      return false;
    }
    List<String> cmd = new ArrayList<>(List.of("renice", Integer.toString(nice), "-p"));
    cmd.addAll(tids);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      boolean exited = p.waitFor(5, TimeUnit.SECONDS);
      String out = exited ? new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip() : "timed out";
      boolean ok = exited && p.exitValue() == 0;
      if (!exited) {
        p.destroyForcibly();
      }
      log().fine(ok ? "JIT compiler threads " + tids + " at nice " + nice
          : "JIT compiler threads " + tids + " not set to nice " + nice + " (renice: " + out + ")");
      return ok;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return false;
    }
  }
}
