package io.vxmesh.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench.sh's table from a work directory written by hand: ratios, verdicts, headroom, start-up. */
class ReportTest {

  @TempDir
  Path dir;

  static String rr(String label, long perSecond, double p99) {
    return new JsonObject().put("mode", "rr").put("label", label).put("round_trips_per_s", perSecond)
        .put("p50_us", p99 / 2).put("p99_us", p99).put("p999_us", p99 * 2).put("proxy_cpu_util", 0.5).encode();
  }

  static String connrate(String label, long perSecond) {
    return new JsonObject().put("mode", "connrate").put("label", label).put("connections_per_s", perSecond)
        .put("p99_us", 1000.0).encode();
  }

  static String iperf(double gbit) {
    return new JsonObject().put("end", new JsonObject()
        .put("sum_received", new JsonObject().put("bits_per_second", gbit * 1e9).put("bytes", 1000L).put("seconds", 5.0))
        .put("sum_sent", new JsonObject().put("retransmits", 0L))).encode();
  }

  @Test
  void ratiosAgainstHaproxyVerdictsAndHeadroom() throws Exception {
    Files.write(dir.resolve("results.jsonl"), List.of(
        rr("direct", 90_000, 300), rr("haproxy", 40_000, 400), rr("nginx", 45_000, 380), rr("vxmesh", 42_000, 480),
        connrate("direct", 9_000), connrate("haproxy", 4_000), connrate("vxmesh", 5_000)));
    Files.writeString(dir.resolve("iperf-direct.json"), iperf(20));
    Files.writeString(dir.resolve("iperf-haproxy.json"), iperf(10));
    Files.writeString(dir.resolve("iperf-vxmesh.json"), iperf(12));
    Files.writeString(dir.resolve("iperf-vxmesh.cpu.json"), "{\"proxy_cpu_ticks\": 450, \"wall_ms\": 6000}");
    Files.write(dir.resolve("startup.jsonl"), List.of(
        "{\"ready_ms\": 900, \"rss_kib\": 100000, \"cpus\": \"0\"}",
        "{\"ready_ms\": 700, \"rss_kib\": 102400, \"cpus\": \"0\"}",
        "{\"ready_ms\": 500, \"rss_kib\": 104000, \"cpus\": \"0,1\"}"));

    JsonObject r = Report.build(dir, Map.of("date", "today"));
    JsonObject ratios = r.getJsonObject("vxmesh_over_haproxy");
    assertEquals(1.05, ratios.getDouble("rr_per_s"), 1e-9);
    assertEquals(1.2, ratios.getDouble("rr_p99_us"), 1e-9);
    assertEquals(1.25, ratios.getDouble("connrate_per_s"), 1e-9);
    assertEquals(1.2, ratios.getDouble("iperf3_gbit_s"), 1e-9);
    JsonObject headroom = r.getJsonObject("direct_over_best_proxy");
    assertEquals(2.0, headroom.getDouble("rr_per_s"), 1e-9, "direct against nginx, the best proxy");
    assertEquals(1.27, headroom.getDouble("rr_p99_us"), 1e-9, "lower is better: best proxy p99 (380) over direct (300)");
    assertEquals(0.75, r.getJsonObject("results").getJsonObject("vxmesh").getJsonObject("iperf3")
        .getDouble("proxy_cpu_util"), 1e-9);
    assertEquals(800.0, r.getJsonObject("vxmesh_process").getJsonObject("ready_by_cpus").getJsonObject("0")
        .getDouble("ready_ms_median"), 1e-9, "median of 900 and 700");
    assertEquals("today", r.getString("date"));

    String table = Report.table(r);
    assertTrue(table.contains("| rr p99 (us) | 300 | 400 | 380 | 480 | 1.20x | <= 1.1x NOT met |"), table);
    assertTrue(table.contains("1.25x | >= 1.0x met"), table);
    assertTrue(table.contains("| bulk throughput, iperf3 (Gbit/s) | 20.0 | 10.0 | - | 12.0 | 1.20x | >= 1.0x met | 1.67x |"),
        table);
    assertTrue(table.contains("| proxy CPU busy during iperf3 (%) | - | - | - | 75.0 |"), table);
    assertTrue(table.contains("median 800 ms on CPU 0 [900.0,700.0]; 500 ms on CPU 0,1"), table);
    assertFalse(table.contains("NaN"), table);
  }

  @Test
  void interleavedBulkRoundsGiveTheMedianRoundAndCpuPerGib() throws Exception {
    Files.writeString(dir.resolve("iperf-direct.json"), iperf(20));
    double[] haproxy = {6, 11, 10};
    double[] vxmesh = {9, 8, 12, 10};
    for (int r = 1; r <= haproxy.length; r++) {
      Files.writeString(dir.resolve("iperf-haproxy-r" + r + ".json"), iperf(haproxy[r - 1]));
      Files.writeString(dir.resolve("iperf-haproxy-r" + r + ".cpu.json"), "{\"proxy_cpu_ticks\": 300, \"wall_ms\": 4000}");
    }
    for (int r = 1; r <= vxmesh.length; r++) {
      Files.writeString(dir.resolve("iperf-vxmesh-r" + r + ".json"), iperf(vxmesh[r - 1]));
      Files.writeString(dir.resolve("iperf-vxmesh-r" + r + ".cpu.json"),
          "{\"proxy_cpu_ticks\": " + (r == 2 ? 200 : 400) + ", \"wall_ms\": 4000}");
    }
    // a single run is ignored when the target has rounds
    Files.writeString(dir.resolve("iperf-vxmesh.json"), iperf(1));

    JsonObject r = Report.build(dir, Map.of());
    JsonObject vx = r.getJsonObject("results").getJsonObject("vxmesh").getJsonObject("iperf3");
    assertEquals(4, vx.getInteger("interleaved_rounds"));
    assertEquals(9.5, vx.getDouble("gbit_per_s"), 1e-9, "median of 8, 9, 10, 12");
    assertEquals(1.0, vx.getDouble("proxy_cpu_util"), 1e-9, "median of 1.0, 0.5, 1.0, 1.0");
    // round 1: 4 s of CPU over 9 Gbit/s * 4 s = 4.19 GiB -> 954.4 ms/GiB
    assertEquals(954.4, vx.getJsonArray("rounds").getJsonObject(0).getDouble("proxy_cpu_ms_per_gib"), 0.05);
    assertEquals(10.0, r.getJsonObject("results").getJsonObject("haproxy").getJsonObject("iperf3")
        .getDouble("gbit_per_s"), 1e-9, "median of 6, 11, 10");
    assertEquals(0.95, r.getJsonObject("vxmesh_over_haproxy").getDouble("iperf3_gbit_s"), 1e-9);
    assertEquals(20.0, r.getJsonObject("results").getJsonObject("direct").getJsonObject("iperf3")
        .getDouble("gbit_per_s"), 1e-9, "direct is measured once");
    String table = Report.table(r);
    assertTrue(table.contains("| bulk throughput, iperf3 (Gbit/s) | 20.0 | 10.0 | - | 9.50 | 0.95x | >= 1.0x NOT met |"),
        table);
    assertTrue(table.contains("| proxy CPU per GiB relayed (iperf3) (ms) | - |"), table);
  }

  @Test
  void anEmptyRunStillRendersATable() throws Exception {
    JsonObject r = Report.build(dir, Map.of());
    String table = Report.table(r);
    assertTrue(table.startsWith("| figure |"), table);
    assertFalse(table.contains("vxmesh gateway process"), table);
  }
}
