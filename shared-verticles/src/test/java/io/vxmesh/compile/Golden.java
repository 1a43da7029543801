package io.vxmesh.compile;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Golden files: expected output kept under {@code src/test/resources/golden/}. A mismatch fails with
 * a unified diff (expected = the golden file, actual = what the code produces now).
 *
 * <p>To regenerate every golden file after an intended change, run
 * <pre>
 *   ./mvnw -B -o -pl shared-verticles test -Dtest=SeedGoldenTest -Dvxmesh.golden.update=true
 * </pre>
 * then review {@code git diff shared-verticles/src/test/resources/golden} before committing.
 * With the flag the test writes the files (under the module's {@code src/test/resources}) instead
 * of comparing, and passes.
 */
final class Golden {

  /** System property that switches from comparing to rewriting the golden files. */
  static final String UPDATE_PROPERTY = "vxmesh.golden.update";

  private static final int CONTEXT = 3;
  private static final int MAX_DIFF_LINES = 200;

  private Golden() {}

  static boolean updating() {
    return Boolean.getBoolean(UPDATE_PROPERTY);
  }

  /** Compares {@code actual} with the golden file {@code golden/<name>}, or rewrites it when updating. */
  static void assertMatches(String name, String actual) {
    String resource = "golden/" + name;
    if (updating()) {
      Path file = sourceRoot().resolve(resource);
      try {
        Files.createDirectories(file.getParent());
        if (!Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(actual)) {
          Files.writeString(file, actual, StandardCharsets.UTF_8);
          System.out.println("golden file written: " + file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    String expected;
    try (InputStream in = Golden.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        fail("golden file " + resource + " does not exist; create it with -D" + UPDATE_PROPERTY + "=true");
        return;
      }
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!expected.equals(actual)) {
      fail(resource + " differs from the compiled output (regenerate with -D" + UPDATE_PROPERTY
          + "=true if the change is intended):\n" + unifiedDiff(resource, expected, actual));
    }
  }

  /** The module's test resources: the working directory Surefire gives the tests is the module. */
  private static Path sourceRoot() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("src/test/resources");
  }

  private record Op(char kind, String line, int aBefore, int bBefore) {}

  /** A unified diff of two texts by line (longest common subsequence), {@value #CONTEXT} lines of context. */
  static String unifiedDiff(String name, String expected, String actual) {
    List<String> a = expected.lines().toList();
    List<String> b = actual.lines().toList();
    int prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix
        && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
      suffix++;
    }
    List<String> am = a.subList(prefix, a.size() - suffix);
    List<String> bm = b.subList(prefix, b.size() - suffix);
    if ((long) am.size() * bm.size() > 4_000_000L) {
      return "first difference at line " + (prefix + 1) + ":\n- " + (prefix < a.size() ? a.get(prefix) : "<end>")
          + "\n+ " + (prefix < b.size() ? b.get(prefix) : "<end>") + "\n";
    }
    int[][] lcs = new int[am.size() + 1][bm.size() + 1];
    for (int i = am.size() - 1; i >= 0; i--) {
      for (int j = bm.size() - 1; j >= 0; j--) {
        lcs[i][j] = am.get(i).equals(bm.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<Op> ops = new ArrayList<>();
    for (int k = 0; k < prefix; k++) {
      ops.add(new Op(' ', a.get(k), k, k));
    }
    int i = 0;
    int j = 0;
    while (i < am.size() || j < bm.size()) {
      if (i < am.size() && j < bm.size() && am.get(i).equals(bm.get(j))) {
        ops.add(new Op(' ', am.get(i), prefix + i++, prefix + j++));
      } else if (j >= bm.size() || (i < am.size() && lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.add(new Op('-', am.get(i), prefix + i++, prefix + j));
      } else {
        ops.add(new Op('+', bm.get(j), prefix + i, prefix + j++));
      }
    }
    for (int k = suffix; k > 0; k--) {
      ops.add(new Op(' ', a.get(a.size() - k), a.size() - k, b.size() - k));
    }

    StringBuilder out = new StringBuilder("--- " + name + " (golden)\n+++ " + name + " (actual)\n");
    int lines = 0;
    int k = 0;
    while (k < ops.size()) {
      if (ops.get(k).kind() == ' ') {
        k++;
        continue;
      }
      int start = Math.max(0, k - CONTEXT);
      int end = k;
      // Extend the hunk while the next change is within 2 * CONTEXT unchanged lines.
      while (true) {
        int next = end + 1;
        while (next < ops.size() && ops.get(next).kind() == ' ' && next - end <= 2 * CONTEXT) {
          next++;
        }
        if (next < ops.size() && ops.get(next).kind() != ' ' && next - end <= 2 * CONTEXT) {
          end = next;
        } else {
          break;
        }
      }
      int stop = Math.min(ops.size(), end + CONTEXT + 1);
      int aCount = 0;
      int bCount = 0;
      for (int h = start; h < stop; h++) {
        char c = ops.get(h).kind();
        aCount += c != '+' ? 1 : 0;
        bCount += c != '-' ? 1 : 0;
      }
      out.append("@@ -").append(ops.get(start).aBefore() + 1).append(',').append(aCount)
          .append(" +").append(ops.get(start).bBefore() + 1).append(',').append(bCount).append(" @@\n");
      for (int h = start; h < stop; h++) {
        if (++lines > MAX_DIFF_LINES) {
          return out.append("... (diff cut after ").append(MAX_DIFF_LINES).append(" lines)\n").toString();
        }
        out.append(ops.get(h).kind()).append(ops.get(h).line()).append('\n');
      }
      k = stop;
    }
    return out.toString();
  }
}
