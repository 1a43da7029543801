package io.vxmesh.proxy;

import java.time.Instant;
import java.util.List;

/**
 * Everything known about one connection when it closes; one JSON line in the access log and the
 * source of its metrics.
 */
public record AccessRecord(
    long startEpochMillis,
    long durationMillis,
    String listener,
    String downstream,
    String destination,
    List<String> gateways,
    String route,
    String upstreamHost,
    String upstream,
    long bytesReceived,
    long bytesSent,
    int connectAttempts,
    CloseReason closeReason,
    String detail) {

  /** Renders the JSON line (no trailing newline). */
  public String toJson() {
    StringBuilder sb = new StringBuilder(320);
    sb.append("{\"start\":\"").append(Instant.ofEpochMilli(startEpochMillis)).append('"');
    sb.append(",\"duration_ms\":").append(durationMillis);
    field(sb, "listener", listener);
    field(sb, "downstream", downstream);
    field(sb, "destination", destination);
    if (gateways != null && !gateways.isEmpty()) {
      sb.append(",\"gateway\":[");
      for (int i = 0; i < gateways.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append('"');
        escape(sb, gateways.get(i));
        sb.append('"');
      }
      sb.append(']');
    }
    field(sb, "route", route);
    field(sb, "upstream_host", upstreamHost);
    field(sb, "upstream", upstream);
    sb.append(",\"bytes_received\":").append(bytesReceived);
    sb.append(",\"bytes_sent\":").append(bytesSent);
    sb.append(",\"connect_attempts\":").append(connectAttempts);
    field(sb, "close_reason", closeReason.label());
    if (detail != null && !detail.isEmpty()) {
      field(sb, "detail", detail);
    }
    return sb.append('}').toString();
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(",\"").append(name).append("\":");
    if (value == null) {
      sb.append("null");
      return;
    }
    sb.append('"');
    escape(sb, value);
    sb.append('"');
  }

  private static void escape(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
  }
}
