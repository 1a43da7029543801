package io.vxmesh.gateway.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code inject -f}, pure: manifests (YAML, multi-document, or JSON) in, the same manifests out with
 * the sidecar added to every Pod and pod template exactly as the webhook's patch would add it (the
 * same {@link Injector} operations, applied with {@link JsonPatch#apply}), like
 * {@code istioctl kube-inject}. Other objects pass through unchanged. All or nothing: when one object
 * cannot be injected, nothing is printed and every problem is reported.
 */
public final class ManifestInjector {

  private static final ObjectMapper YAML_IN = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper YAML_OUT = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      // Strings that look like numbers or booleans keep their quotes ("9000" in args, "15000" in annotations).
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .build());
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Where the pod template of each workload kind is. */
  private static final Map<String, String> TEMPLATES = Map.of(
      "Deployment", "/spec/template",
      "StatefulSet", "/spec/template",
      "DaemonSet", "/spec/template",
      "ReplicaSet", "/spec/template",
      "ReplicationController", "/spec/template",
      "Job", "/spec/template",
      "CronJob", "/spec/jobTemplate/spec/template");

  /** The output text, what was injected or skipped (one line each), and the errors (empty on success). */
  public record Result(String output, List<String> notes, List<String> errors) {
    public Result {
      notes = List.copyOf(notes);
      errors = List.copyOf(errors);
    }

    public boolean ok() {
      return errors.isEmpty();
    }
  }

  private final Injector injector;

  public ManifestInjector(Injector injector) {
    this.injector = injector;
  }

  /** {@code source} names the input in messages ({@code -} for standard input). */
  public Result inject(String source, String text) {
    boolean json = source.endsWith(".json") || text.stripLeading().startsWith("{");
    List<JsonObject> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML_IN.readerFor(JsonNode.class).readValues(text)) {
      int n = 0;
      while (it.hasNextValue()) {
        n++;
        JsonNode node = it.nextValue();
        if (node == null || node.isNull() || node.isMissingNode()) {
          continue;
        }
        if (!node.isObject()) {
          return failed(source + " (document " + n + "): not an object");
        }
        docs.add(new JsonObject(node.toString()));
      }
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      return failed(source + ": not valid " + (json ? "JSON" : "YAML") + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      return failed(source + ": cannot be read: " + e.getMessage());
    }
    List<String> notes = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      String where = source + (docs.size() > 1 ? " (document " + (i + 1) + ")" : "");
      out.add(object(docs.get(i), where, notes, errors));
    }
    if (!errors.isEmpty()) {
      return new Result("", notes, errors);
    }
    try {
      return new Result(json ? render(out, JSON) : render(out, YAML_OUT), notes, errors);
    } catch (IOException e) {
      return failed(source + ": cannot write the result: " + e.getMessage());
    }
  }

  private JsonObject object(JsonObject doc, String where, List<String> notes, List<String> errors) {
    String kind = doc.getValue("kind") instanceof String k ? k : "";
    String apiVersion = doc.getValue("apiVersion") instanceof String a ? a : "";
    if (doc.getValue("items") instanceof JsonArray items && kind.endsWith("List")) {
      JsonObject copy = doc.copy();
      JsonArray injected = new JsonArray();
      for (int i = 0; i < items.size(); i++) {
        injected.add(items.getValue(i) instanceof JsonObject item
            ? object(item, where + " items[" + i + "]", notes, errors) : items.getValue(i));
      }
      return copy.put("items", injected);
    }
    String prefix;
    if (kind.equals("Pod") && apiVersion.equals("v1")) {
      prefix = "";
    } else if (TEMPLATES.containsKey(kind)
        && (apiVersion.equals("v1") || apiVersion.startsWith("apps/") || apiVersion.startsWith("batch/"))) {
      prefix = TEMPLATES.get(kind);
    } else {
      return doc;
    }
    String what = kind + " " + namespace(doc) + "/" + name(doc) + (prefix.isEmpty() ? "" : " (pod template)");
    Object template = prefix.isEmpty() ? doc : at(doc, prefix);
    if (!(template instanceof JsonObject pod)) {
      errors.add(where + ": " + what + ": " + prefix.substring(1).replace('/', '.') + " is missing or not an object");
      return doc;
    }
    return switch (injector.inject(pod, what)) {
      case Injector.Outcome.Patch p -> {
        notes.add("injected " + what);
        yield JsonPatch.apply(doc, p.ops().stream()
            .map(op -> new JsonPatch.Add(prefix + op.path(), op.value())).toList());
      }
      case Injector.Outcome.Skip s -> {
        notes.add("skipped " + what + ": " + s.reason());
        yield doc;
      }
      case Injector.Outcome.Refuse r -> {
        errors.add(where + ": " + r.message());
        yield doc;
      }
    };
  }

  private static Object at(JsonObject doc, String pointer) {
    Object cur = doc;
    for (String t : JsonPatch.tokens(pointer)) {
      if (!(cur instanceof JsonObject o)) {
        return null;
      }
      cur = o.getValue(t);
    }
    return cur;
  }

  private static String namespace(JsonObject doc) {
    Object ns = doc.getValue("metadata") instanceof JsonObject m ? m.getValue("namespace") : null;
    return ns == null ? "default" : ns.toString();
  }

  private static String name(JsonObject doc) {
    Object n = doc.getValue("metadata") instanceof JsonObject m ? m.getValue("name") : null;
    return n == null ? "<no name>" : n.toString();
  }

  private static String render(List<JsonObject> docs, ObjectMapper mapper) throws IOException {
    StringBuilder sb = new StringBuilder();
    if (mapper == JSON && docs.size() == 1) {
      return mapper.writeValueAsString(YAML_IN.readTree(docs.getFirst().encode())) + "\n";
    }
    if (mapper == JSON) {
      JsonObject list = new JsonObject().put("apiVersion", "v1").put("kind", "List")
          .put("items", new JsonArray(new ArrayList<>(docs)));
      return mapper.writeValueAsString(YAML_IN.readTree(list.encode())) + "\n";
    }
    for (int i = 0; i < docs.size(); i++) {
      if (i > 0) {
        sb.append("---\n");
      }
      sb.append(mapper.writeValueAsString(YAML_IN.readTree(docs.get(i).encode())));
    }
    return sb.toString();
  }

  private static Result failed(String error) {
    return new Result("", List.of(), List.of(error));
  }
}
