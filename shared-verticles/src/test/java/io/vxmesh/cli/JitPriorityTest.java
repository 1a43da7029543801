package io.vxmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the JIT compiler threads, and putting them back at the process's nice value (root only). */
class JitPriorityTest {

  @Test
  void compilerThreadsAreFoundByTheirNames(@TempDir Path tasks) throws IOException {
    task(tasks, "101", "java");
    task(tasks, "102", "C2 CompilerThre");
    task(tasks, "103", "C1 CompilerThre");
    task(tasks, "104", "vert.x-eventloo");
    Files.createDirectories(tasks.resolve("105")); // a thread that ended while listed: no comm
    assertEquals(List.of("102", "103"), JitPriority.compilerThreads(tasks).stream().sorted().toList());
  }

  @Test
  void theNiceValueIsReadAfterACommandNameWithSpacesAndParentheses() {
    String line = "4242 (C2 Compiler (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 7 3 0 0 15 -5 24 0 123 4 5";
    assertEquals(-5, JitPriority.niceOf(line));
    assertEquals(0, JitPriority.niceOf(line.replace(" 15 -5 ", " 20 0 ")));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> JitPriority.niceOf("1 (x) S 1"));
  }

  @Test
  void theStartUpNiceIsBelowTheProcessAndAtMost19() {
    assertEquals(10, JitPriority.loweredNice(0, 10));
    assertEquals(5, JitPriority.loweredNice(-5, 10), "a proxy started at nice -5 gets its JIT at 5, not 10");
    assertEquals(19, JitPriority.loweredNice(15, 10), "capped at the lowest priority");
  }

  @Test
  void lowerThenRestoreMovesOnlyTheCompilerThreads() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc");
    assumeTrue("root".equals(System.getProperty("user.name")), "putting a priority back needs root (CAP_SYS_NICE)");
    assumeTrue(canRun("renice", "--version") || canRun("renice", "-h"), "needs renice");
    List<String> tids = JitPriority.compilerThreads(Path.of("/proc/self/task"));
    assumeTrue(!tids.isEmpty(), "this JVM runs without JIT compiler threads");
    int processNice = JitPriority.processNice();
    assumeTrue(processNice <= 9, "the process must leave room below it (runs at nice " + processNice + ")");
    String me = Long.toString(currentTid());
    assertEquals(true, JitPriority.renice(JitPriority.loweredNice(processNice, 10)));
    tids.forEach(t -> assertEquals(processNice + 10, nice(t), "thread " + t + " lowered"));
    assertEquals(processNice, nice(me), "the other threads keep the process's nice");
    JitPriority.lowerAtStart(); // not asked for here (no -Dvxmesh.jitNice): only marks the lowering done
    assertEquals(true, JitPriority.restore());
    tids.forEach(t -> assertEquals(processNice, nice(t), "thread " + t + " back at the process's nice"));
  }

  /** This thread's id in /proc/self/task (Linux: /proc/thread-self). */
  private static long currentTid() throws IOException {
    return Long.parseLong(Path.of("/proc/thread-self").toRealPath().getFileName().toString());
  }

  private static void task(Path tasks, String tid, String comm) throws IOException {
    Files.createDirectories(tasks.resolve(tid));
    Files.writeString(tasks.resolve(tid).resolve("comm"), comm + "\n");
  }

  /** Field 19 of /proc/self/task/TID/stat (after the parenthesised name, which may hold spaces). */
  private static int nice(String tid) {
    try {
      String stat = Files.readString(Path.of("/proc/self/task", tid, "stat"));
      return JitPriority.niceOf(stat);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean canRun(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor();
      return true;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
