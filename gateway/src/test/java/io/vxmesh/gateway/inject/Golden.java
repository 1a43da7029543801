package io.vxmesh.gateway.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files: the expected output lives next to the input under src/test/resources; run the
 * tests with {@code -Dvxmesh.golden.update=true} to rewrite them from what the code does now (then
 * review the diff before committing).
 */
public final class Golden {
  public static final boolean UPDATE = Boolean.getBoolean("vxmesh.golden.update");

  private Golden() {}

  /** Compares {@code actual} with the file, or rewrites the file in update mode. */
  public static void check(Path file, String actual) throws IOException {
    if (UPDATE) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(file)) {
      throw new AssertionError(file + " does not exist: run with -Dvxmesh.golden.update=true to create it");
    }
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual,
        "output differs from " + file + " (rerun with -Dvxmesh.golden.update=true to accept the new output)");
  }
}
