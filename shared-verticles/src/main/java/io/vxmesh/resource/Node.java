package io.vxmesh.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON/YAML tree node that knows its path, so every error names the field it is about
 * ({@code spec.tcp[1].match[0].port: expected a number, got "abc"}).
 */
final class Node {
  private final JsonNode node;
  private final String path;

  Node(JsonNode node, String path) {
    this.node = node == null ? MissingNode.getInstance() : node;
    this.path = path;
  }

  String path() {
    return path;
  }

  boolean isMissing() {
    return node.isMissingNode() || node.isNull();
  }

  Node get(String field) {
    if (!isMissing() && !node.isObject()) {
      throw fail("expected an object, got " + describe(node));
    }
    return new Node(node.get(field), path.isEmpty() ? field : path + "." + field);
  }

  boolean has(String field) {
    return !get(field).isMissing();
  }

  InvalidResourceException fail(String message) {
    return new InvalidResourceException(path, message);
  }

  /** The string at this node, or null when absent. Numbers and booleans are accepted as text. */
  String text() {
    if (isMissing()) {
      return null;
    }
    if (node.isTextual() || node.isNumber() || node.isBoolean()) {
      return node.asText();
    }
    throw fail("expected a string, got " + describe(node));
  }

  String text(String field) {
    return get(field).text();
  }

  String requiredText(String field) {
    String v = text(field);
    if (v == null || v.isEmpty()) {
      throw get(field).fail("is required");
    }
    return v;
  }

  /** The integer at this node, or {@code absent} when missing; integral strings are accepted. */
  int integer(int absent) {
    if (isMissing()) {
      return absent;
    }
    if (node.isIntegralNumber() && node.canConvertToInt()) {
      return node.intValue();
    }
    if (node.isTextual()) {
      try {
        return Integer.parseInt(node.asText().trim());
      } catch (NumberFormatException ignored) {
        // fall through
      }
    }
    throw fail("expected an integer, got " + describe(node));
  }

  Integer optionalInteger() {
    return isMissing() ? null : integer(0);
  }

  /** A port number 1-65535; {@code absent} when missing. */
  int port(int absent) {
    int p = integer(absent);
    if (!isMissing() && (p < 1 || p > 65535)) {
      throw fail("port " + p + " is outside 1-65535");
    }
    return p;
  }

  Boolean bool() {
    if (isMissing()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual()) {
      String t = node.asText().trim();
      if (t.equalsIgnoreCase("true")) {
        return true;
      }
      if (t.equalsIgnoreCase("false")) {
        return false;
      }
    }
    throw fail("expected true or false, got " + describe(node));
  }

  List<Node> list() {
    if (isMissing()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw fail("expected a list, got " + describe(node));
    }
    List<Node> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      out.add(new Node(node.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  List<Node> list(String field) {
    return get(field).list();
  }

  List<String> textList(String field) {
    List<String> out = new ArrayList<>();
    for (Node n : list(field)) {
      String t = n.text();
      if (t == null) {
        throw n.fail("expected a string, got null");
      }
      out.add(t);
    }
    return out;
  }

  /** A map of strings (labels, selectors, headers); absent gives an empty map. */
  Map<String, String> textMap(String field) {
    return get(field).asTextMap();
  }

  /** This node as a map of strings; absent gives an empty map. */
  Map<String, String> asTextMap() {
    if (isMissing()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw fail("expected a map of strings, got " + describe(node));
    }
    Map<String, String> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String v = new Node(e.getValue(), path + "." + e.getKey()).text();
      out.put(e.getKey(), v == null ? "" : v);
    }
    return out;
  }

  boolean isList() {
    return node.isArray();
  }

  private static String describe(JsonNode n) {
    if (n.isObject()) {
      return "an object";
    }
    if (n.isArray()) {
      return "a list";
    }
    if (n.isTextual()) {
      String t = n.asText();
      return "\"" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "\"";
    }
    return n.toString();
  }
}
