package io.vxmesh.common;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Label maps: parsing {@code k=v,k=v} and selector matching as Kubernetes does it. */
public final class Labels {
  private Labels() {}

  /** Parses {@code k=v[,k=v]}; blank gives an empty map. */
  public static Map<String, String> parse(String text) {
    Map<String, String> out = new TreeMap<>();
    if (text == null || text.isBlank()) {
      return Map.of();
    }
    for (String pair : text.split(",")) {
      String p = pair.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("label '" + p + "' is not of the form key=value");
      }
      out.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
    }
    return Map.copyOf(out);
  }

  /** A selector matches when every one of its pairs is among the labels; an empty selector matches all. */
  public static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** Sorted copy, for stable output. */
  public static Map<String, String> sorted(Map<String, String> labels) {
    return new LinkedHashMap<>(new TreeMap<>(labels));
  }

  public static String format(Map<String, String> labels) {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(labels).forEach((k, v) -> {
      if (!sb.isEmpty()) {
        sb.append(',');
      }
      sb.append(k).append('=').append(v);
    });
    return sb.toString();
  }
}
