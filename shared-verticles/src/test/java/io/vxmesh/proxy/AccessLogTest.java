package io.vxmesh.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The writer thread: every record becomes one line, in order, flushed while the log is quiet and on close. */
class AccessLogTest {

  @TempDir
  Path dir;

  static AccessRecord record(int i) {
    return new AccessRecord(1_000L * i, i, "gateway:19000", "127.0.0.1:" + (40000 + i), "127.0.2.1:19000",
        List.of("istio-system/gw"), "istio-system/vs tcp[0]", "echo.default.svc.cluster.local:19000",
        "127.0.1.1:9000", i, 2L * i, 1, CloseReason.COMPLETED, "");
  }

  @ParameterizedTest(name = "{0} records")
  @ValueSource(ints = {1, 3, 5000})
  void everyRecordIsOneLineInOrderAfterClose(int n) throws Exception {
    Path file = dir.resolve("access.log");
    AccessLog log = AccessLog.open(file.toString());
    for (int i = 0; i < n; i++) {
      log.log(record(i));
    }
    log.close();
    List<String> lines = Files.readAllLines(file);
    assertEquals(n, lines.size());
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < n; i++) {
      assertEquals(40000 + i, Integer.parseInt(json.readTree(lines.get(i)).get("downstream").asText().split(":")[1]),
          "line " + i);
    }
    assertEquals(0, log.dropped());
  }

  /** A quiet log must not keep its lines: they reach the file without close, within a bounded time. */
  @Test
  void aQuietLogIsFlushedWithoutClosing() throws Exception {
    Path file = dir.resolve("quiet.log");
    AccessLog log = AccessLog.open(file.toString());
    try {
      log.log(record(7));
      long deadline = System.nanoTime() + 5_000_000_000L;
      List<String> lines = new ArrayList<>();
      while (System.nanoTime() < deadline) {
        lines = Files.readAllLines(file);
        if (!lines.isEmpty()) {
          break;
        }
        Thread.sleep(5);
      }
      assertEquals(1, lines.size(), "the line was not written within 5 s");
      assertTrue(lines.get(0).contains("\"bytes_sent\":14"), lines.get(0));
    } finally {
      log.close();
    }
  }

  @Test
  void appendsToAnExistingFile() throws Exception {
    Path file = dir.resolve("append.log");
    Files.writeString(file, "earlier\n");
    AccessLog log = AccessLog.open(file.toString());
    log.log(record(1));
    log.close();
    List<String> lines = Files.readAllLines(file);
    assertEquals(2, lines.size());
    assertEquals("earlier", lines.get(0));
  }

  @Test
  void tapsSeeRecordsEvenWhenTheLogIsOff() {
    AccessLog log = AccessLog.off();
    List<AccessRecord> seen = new ArrayList<>();
    log.tap(seen::add);
    log.log(record(2));
    log.close();
    assertEquals(List.of(record(2)), seen);
  }
}
