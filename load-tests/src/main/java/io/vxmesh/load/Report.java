package io.vxmesh.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns one bench run (the driver's JSON lines, iperf3's JSON, the gateway's start-up figures)
 * into the table bench.sh prints and the JSON it writes: one column per target, the ratio of
 * vxmesh to HAProxy for each figure next to the target, and the driver's headroom
 * (direct against the best proxied figure) so a reader can see the driver was not the limit.
 */
final class Report {

  /** A figure of the table: how to read it from a target's results, and which way is better. */
  record Figure(String key, String title, String unit, boolean higherIsBetter, Function<JsonObject, Double> read,
      String target) {}

  static final List<String> TARGETS = List.of("direct", "haproxy", "nginx", "vxmesh");

  static final List<Figure> FIGURES = List.of(
      new Figure("iperf3_gbit_s", "bulk throughput, iperf3", "Gbit/s", true,
          r -> num(r, "iperf3", "gbit_per_s"), ">= 1.0x"),
      new Figure("download_gbit_s", "bulk throughput, driver download", "Gbit/s", true,
          r -> num(r, "throughput", "gbit_per_s"), null),
      new Figure("rr_per_s", "rr 64 B round trips", "1/s", true, r -> num(r, "rr", "round_trips_per_s"), null),
      new Figure("rr_p50_us", "rr p50", "us", false, r -> num(r, "rr", "p50_us"), null),
      new Figure("rr_p99_us", "rr p99", "us", false, r -> num(r, "rr", "p99_us"), "<= 1.1x"),
      new Figure("rr_p999_us", "rr p99.9", "us", false, r -> num(r, "rr", "p999_us"), null),
      new Figure("connrate_per_s", "connections (connect, 64 B echo, close)", "1/s", true,
          r -> num(r, "connrate", "connections_per_s"), ">= 1.0x"),
      new Figure("connrate_p99_us", "connection cycle p99", "us", false, r -> num(r, "connrate", "p99_us"), null),
      new Figure("idle_rss_per_conn_b", "RSS per idle connection", "B", false,
          r -> num(r, "idle", "rss_per_connection_bytes"), null),
      new Figure("cpu_ms_per_gib", "proxy CPU per GiB relayed (download)", "ms", false,
          r -> num(r, "throughput", "proxy_cpu_ms_per_gib"), null),
      new Figure("cpu_us_per_rt", "proxy CPU per rr round trip", "us", false,
          r -> num(r, "rr", "proxy_cpu_us_per_round_trip"), null),
      new Figure("cpu_us_per_conn", "proxy CPU per connection", "us", false,
          r -> num(r, "connrate", "proxy_cpu_us_per_connection"), null),
      new Figure("iperf3_cpu_ms_per_gib", "proxy CPU per GiB relayed (iperf3)", "ms", false,
          r -> num(r, "iperf3", "proxy_cpu_ms_per_gib"), null),
      new Figure("busy_iperf3", "proxy CPU busy during iperf3", "%", false,
          r -> pct(num(r, "iperf3", "proxy_cpu_util")), null),
      new Figure("busy_rr", "proxy CPU busy during rr", "%", false, r -> pct(num(r, "rr", "proxy_cpu_util")), null),
      new Figure("busy_connrate", "proxy CPU busy during connections", "%", false,
          r -> pct(num(r, "connrate", "proxy_cpu_util")), null));

  static Double pct(Double fraction) {
    return fraction == null ? null : Math.round(fraction * 1000) / 10.0;
  }

  private Report() {}

  static Double num(JsonObject results, String mode, String field) {
    JsonObject r = results.getJsonObject(mode);
    if (r == null || r.getValue(field) == null) {
      return null;
    }
    return ((Number) r.getValue(field)).doubleValue();
  }

  /**
   * @param dir  bench.sh's work directory: {@code results.jsonl} (driver lines with a {@code label}),
   *             {@code iperf-<target>.json}, {@code startup.jsonl} (lines {@code {"ready_ms":..,"rss_kib":..}})
   */
  static JsonObject build(Path dir, Map<String, String> meta) throws IOException {
    Map<String, JsonObject> byTarget = new LinkedHashMap<>();
    for (String t : TARGETS) {
      byTarget.put(t, new JsonObject());
    }
    Path lines = dir.resolve("results.jsonl");
    if (Files.exists(lines)) {
      for (String line : Files.readAllLines(lines)) {
        if (line.isBlank()) {
          continue;
        }
        JsonObject r = new JsonObject(line);
        String label = r.getString("label", "?");
        byTarget.computeIfAbsent(label, k -> new JsonObject()).put(r.getString("mode"), r);
      }
    }
    for (String t : List.copyOf(byTarget.keySet())) {
      JsonObject i = rounds(dir, t);
      Path iperf = dir.resolve("iperf-" + t + ".json");
      if (i == null && Files.exists(iperf)) {
        i = iperf3(iperf, dir.resolve("iperf-" + t + ".cpu.json"));
      }
      if (i != null) {
        byTarget.get(t).put("iperf3", i);
      }
    }
    JsonObject startup = startup(dir.resolve("startup.jsonl"));

    JsonObject ratios = new JsonObject();
    JsonObject headroom = new JsonObject();
    for (Figure f : FIGURES) {
      Double vx = f.read().apply(byTarget.get("vxmesh"));
      Double ha = f.read().apply(byTarget.get("haproxy"));
      if (vx != null && ha != null && ha != 0 && !f.key().startsWith("busy")) {
        ratios.put(f.key(), round(vx / ha, 3));
      }
      Double direct = f.read().apply(byTarget.get("direct"));
      Double best = null;
      for (String t : List.of("haproxy", "nginx", "vxmesh")) {
        Double v = f.read().apply(byTarget.get(t));
        if (v != null && (best == null || (f.higherIsBetter() ? v > best : v < best))) {
          best = v;
        }
      }
      if (direct != null && best != null && best != 0 && direct != 0 && !f.key().startsWith("idle")
          && !f.key().startsWith("cpu") && !f.key().startsWith("busy")) {
        headroom.put(f.key(), round(f.higherIsBetter() ? direct / best : best / direct, 2));
      }
    }
    JsonObject out = new JsonObject();
    meta.forEach(out::put);
    JsonObject targets = new JsonObject();
    byTarget.forEach(targets::put);
    out.put("results", targets);
    out.put("vxmesh_over_haproxy", ratios);
    out.put("direct_over_best_proxy", headroom);
    if (startup != null) {
      out.put("vxmesh_process", startup);
    }
    return out;
  }

  /**
   * The interleaved bulk rounds of one target ({@code iperf-<target>-r<N>.json}, each with its
   * {@code .cpu.json}): each round's figures under {@code rounds}, and the medians of gbit_per_s,
   * proxy_cpu_util and proxy_cpu_ms_per_gib at the top. Null when the target has no rounds.
   */
  static JsonObject rounds(Path dir, String target) throws IOException {
    JsonArray rounds = new JsonArray();
    for (int r = 1; Files.exists(dir.resolve("iperf-" + target + "-r" + r + ".json")); r++) {
      String stem = "iperf-" + target + "-r" + r;
      rounds.add(iperf3(dir.resolve(stem + ".json"), dir.resolve(stem + ".cpu.json")).put("round", r));
    }
    if (rounds.isEmpty()) {
      return null;
    }
    JsonObject o = new JsonObject().put("interleaved_rounds", rounds.size());
    for (String field : List.of("gbit_per_s", "proxy_cpu_util", "proxy_cpu_ms_per_gib")) {
      List<Double> v = new ArrayList<>();
      for (int k = 0; k < rounds.size(); k++) {
        Object x = rounds.getJsonObject(k).getValue(field);
        if (x instanceof Number n) {
          v.add(n.doubleValue());
        }
      }
      if (!v.isEmpty()) {
        o.put(field, round(median(v), 3));
      }
    }
    return o.put("rounds", rounds);
  }

  /** iperf3 -J (the receiver's rate, what actually arrived) and, when {@code cpu} exists, the proxy's CPU over it. */
  static JsonObject iperf3(Path file, Path cpu) throws IOException {
    JsonObject i = iperf3(file);
    if (Files.exists(cpu) && i.getValue("error") == null) {
      JsonObject c = new JsonObject(Files.readString(cpu));
      double cpuSeconds = c.getLong("proxy_cpu_ticks") / (double) Rss.CLOCK_TICKS_PER_SECOND;
      i.put("proxy_cpu_s", cpuSeconds)
          .put("proxy_cpu_util", round(cpuSeconds / (c.getLong("wall_ms") / 1000.0), 3));
      long bytes = i.getLong("bytes", 0L);
      if (bytes > 0) {
        // iperf3 -O leaves the first second out of its bytes but not of the CPU window: scale the
        // bytes to the window (at the measured rate) so that the figure is CPU per byte relayed.
        double windowBytes = i.getDouble("gbit_per_s") * 1e9 / 8 * (c.getLong("wall_ms") / 1000.0);
        i.put("proxy_cpu_ms_per_gib", round(cpuSeconds * 1000 / (windowBytes / (1L << 30)), 1));
      }
    }
    return i;
  }

  /** iperf3 -J: the receiver's rate, what actually arrived. */
  static JsonObject iperf3(Path file) throws IOException {
    JsonObject j = new JsonObject(Files.readString(file));
    JsonObject o = new JsonObject();
    if (j.getString("error") != null) {
      return o.put("error", j.getString("error"));
    }
    JsonObject end = j.getJsonObject("end", new JsonObject());
    JsonObject recv = end.getJsonObject("sum_received", new JsonObject());
    double bps = recv.getDouble("bits_per_second", 0.0);
    o.put("gbit_per_s", round(bps / 1e9, 3));
    o.put("bytes", recv.getLong("bytes", 0L));
    o.put("seconds", round(recv.getDouble("seconds", 0.0), 3));
    JsonObject sent = end.getJsonObject("sum_sent", new JsonObject());
    o.put("retransmits", sent.getLong("retransmits", 0L));
    JsonArray streams = end.getJsonArray("streams", new JsonArray());
    o.put("streams", streams.size());
    return o;
  }

  static JsonObject startup(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    Map<String, List<Double>> ready = new LinkedHashMap<>();
    List<Double> rss = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      JsonObject j = new JsonObject(line);
      ready.computeIfAbsent(j.getString("cpus", "0"), k -> new ArrayList<>()).add(j.getDouble("ready_ms"));
      rss.add(j.getDouble("rss_kib"));
    }
    if (rss.isEmpty()) {
      return null;
    }
    JsonObject o = new JsonObject().put("starts", rss.size());
    JsonObject byCpus = new JsonObject();
    ready.forEach((cpus, v) -> byCpus.put(cpus, new JsonObject()
        .put("ready_ms", new JsonArray(new ArrayList<>(v))).put("ready_ms_median", median(v))));
    o.put("ready_by_cpus", byCpus);
    o.put("ready_ms_median", median(ready.values().iterator().next()));
    o.put("idle_rss_kib", new JsonArray(new ArrayList<>(rss)));
    o.put("idle_rss_mib_median", round(median(rss) / 1024, 1));
    return o;
  }

  static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(Double::compare);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  /** The table, as Markdown, for the terminal and the README. */
  static String table(JsonObject report) {
    JsonObject results = report.getJsonObject("results");
    JsonObject ratios = report.getJsonObject("vxmesh_over_haproxy");
    JsonObject headroom = report.getJsonObject("direct_over_best_proxy");
    StringBuilder sb = new StringBuilder();
    sb.append("| figure | direct | HAProxy | nginx | vxmesh | vxmesh / HAProxy | target | direct / best proxy |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---|---:|\n");
    for (Figure f : FIGURES) {
      sb.append("| ").append(f.title()).append(" (").append(f.unit()).append(")");
      for (String t : TARGETS) {
        Double v = f.read().apply(results.getJsonObject(t, new JsonObject()));
        sb.append(" | ").append(v == null ? "-" : fmt(v));
      }
      Double r = ratios.getDouble(f.key());
      sb.append(" | ").append(r == null ? "-" : String.format(Locale.ROOT, "%.2fx", r));
      String verdict = "";
      if (f.target() != null && r != null) {
        double limit = Double.parseDouble(f.target().replaceAll("[^0-9.]", ""));
        boolean ok = f.target().startsWith(">=") ? r >= limit : r <= limit;
        verdict = f.target() + (ok ? " met" : " NOT met");
      } else if (f.target() != null) {
        verdict = f.target();
      }
      sb.append(" | ").append(verdict);
      Double h = headroom.getDouble(f.key());
      sb.append(" | ").append(h == null ? "-" : String.format(Locale.ROOT, "%.2fx", h)).append(" |\n");
    }
    JsonObject p = report.getJsonObject("vxmesh_process");
    if (p != null) {
      sb.append("\nvxmesh gateway process: start to /ready (target <= 500 ms) median");
      JsonObject byCpus = p.getJsonObject("ready_by_cpus", new JsonObject());
      for (String cpus : byCpus.fieldNames()) {
        JsonObject c = byCpus.getJsonObject(cpus);
        sb.append(' ').append(fmt(c.getDouble("ready_ms_median"))).append(" ms on CPU ").append(cpus)
            .append(' ').append(c.getJsonArray("ready_ms").encode()).append(';');
      }
      sb.append(" idle RSS at ready median ").append(fmt(p.getDouble("idle_rss_mib_median")))
          .append(" MiB (target <= 64)");
      Double perConn = num(results.getJsonObject("vxmesh", new JsonObject()), "idle", "rss_per_connection_bytes");
      if (perConn != null) {
        sb.append("; ").append(fmt(perConn / 1024)).append(" KiB more per idle connection (target <= 4)");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static String fmt(double v) {
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (Math.abs(v) >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
