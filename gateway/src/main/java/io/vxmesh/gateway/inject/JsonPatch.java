package io.vxmesh.gateway.inject;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of RFC 6902 JSON Patch the injector emits: {@code add} operations only. The webhook sends
 * {@link #toJson}; {@code inject -f} runs {@link #apply} on the same operations, so both give the
 * same object by construction.
 */
public final class JsonPatch {

  /** One {@code add} operation; {@code path} is an RFC 6901 pointer ({@code /-} appends to an array). */
  public record Add(String path, Object value) {
    public JsonObject toJson() {
      return new JsonObject().put("op", "add").put("path", path).put("value", value);
    }
  }

  private JsonPatch() {}

  /** Escapes one reference token (RFC 6901): {@code ~} -> {@code ~0}, {@code /} -> {@code ~1}. */
  public static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  public static JsonArray toJson(List<Add> ops) {
    JsonArray a = new JsonArray();
    ops.forEach(op -> a.add(op.toJson()));
    return a;
  }

  /** Returns a copy of {@code target} with the operations applied; the target is not changed. */
  public static JsonObject apply(JsonObject target, List<Add> ops) {
    JsonObject root = target.copy();
    for (Add op : ops) {
      add(root, op);
    }
    return root;
  }

  private static void add(JsonObject root, Add op) {
    List<String> tokens = tokens(op.path());
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("cannot add at the document root");
    }
    Object parent = root;
    for (int i = 0; i < tokens.size() - 1; i++) {
      parent = child(parent, tokens.get(i), op.path());
    }
    String last = tokens.getLast();
    Object value = op.value() instanceof JsonObject o ? o.copy()
        : op.value() instanceof JsonArray a ? a.copy() : op.value();
    if (parent instanceof JsonObject o) {
      o.put(last, value);
    } else if (parent instanceof JsonArray a) {
      if (last.equals("-")) {
        a.add(value);
      } else {
        int index = index(last, a.size(), op.path());
        a.getList().add(index, value);
      }
    } else {
      throw new IllegalArgumentException(op.path() + ": the parent is not an object or array");
    }
  }

  private static Object child(Object parent, String token, String path) {
    Object next;
    if (parent instanceof JsonObject o) {
      next = o.getValue(token);
    } else if (parent instanceof JsonArray a) {
      next = a.getValue(index(token, a.size() - 1, path));
    } else {
      next = null;
    }
    if (next == null) {
      throw new IllegalArgumentException(path + ": no value at '" + token + "'");
    }
    return next;
  }

  private static int index(String token, int max, String path) {
    try {
      int i = Integer.parseInt(token);
      if (i < 0 || i > max) {
        throw new NumberFormatException();
      }
      return i;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(path + ": '" + token + "' is not an index of the array");
    }
  }

  static List<String> tokens(String pointer) {
    if (pointer.isEmpty()) {
      return List.of();
    }
    if (!pointer.startsWith("/")) {
      throw new IllegalArgumentException("'" + pointer + "' is not a JSON pointer");
    }
    List<String> out = new ArrayList<>();
    for (String t : pointer.substring(1).split("/", -1)) {
      out.add(t.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }
}
