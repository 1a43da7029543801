package io.vxmesh.k8s;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CRDs of k8s/crds as JSON Schema validators (Vert.x JSON Schema, draft 2020-12), one per served
 * version. The openAPIV3Schema is translated as the API server with {@code kubectl apply}'s default
 * strict field validation treats it: an object with declared properties and no
 * {@code x-kubernetes-preserve-unknown-fields} refuses unknown fields (kubectl reports them as errors
 * rather than letting the server prune them); {@code x-kubernetes-*} markers and descriptions are
 * dropped; everything else (type, enum, required, minimum, maximum, minItems, additionalProperties)
 * is JSON Schema already.
 */
final class CrdSchemas {
  /** group/kind -> version -> validator. */
  private final Map<String, Map<String, Validator>> validators = new LinkedHashMap<>();
  private final Map<String, K8sManifests.Doc> crds = new LinkedHashMap<>();

  CrdSchemas(List<K8sManifests.Doc> crdDocs) {
    for (K8sManifests.Doc d : crdDocs) {
      if (!d.kind().equals("CustomResourceDefinition")) {
        continue;
      }
      JsonObject spec = d.object().getJsonObject("spec");
      String key = spec.getString("group") + "/" + spec.getJsonObject("names").getString("kind");
      crds.put(key, d);
      Map<String, Validator> byVersion = new LinkedHashMap<>();
      for (Object o : spec.getJsonArray("versions")) {
        JsonObject v = (JsonObject) o;
        if (!v.getBoolean("served", false)) {
          continue;
        }
        JsonObject schema = toJsonSchema(v.getJsonObject("schema").getJsonObject("openAPIV3Schema"));
        byVersion.put(v.getString("name"), Validator.create(JsonSchema.of(schema), new JsonSchemaOptions()
            .setDraft(Draft.DRAFT202012).setBaseUri("https://vxmesh.io/crds/" + key + "/" + v.getString("name"))
            .setOutputFormat(OutputFormat.Basic)));
      }
      validators.put(key, byVersion);
    }
  }

  Map<String, K8sManifests.Doc> crds() {
    return crds;
  }

  boolean defines(String group, String kind) {
    return validators.containsKey(group + "/" + kind);
  }

  /** The problems of one custom resource against its CRD (empty: valid); a missing CRD or version is one. */
  List<String> problems(K8sManifests.Doc doc) {
    Map<String, Validator> byVersion = validators.get(doc.group() + "/" + doc.kind());
    if (byVersion == null) {
      return List.of("no CRD in k8s/crds defines " + doc.kind() + " in group " + doc.group());
    }
    Validator v = byVersion.get(doc.version());
    if (v == null) {
      return List.of("the CRD of " + doc.kind() + " does not serve version " + doc.version());
    }
    OutputUnit out = v.validate(doc.object());
    List<String> problems = new ArrayList<>();
    if (!out.getValid()) {
      collect(out, problems);
      if (problems.isEmpty()) {
        problems.add(String.valueOf(out.getError()));
      }
    }
    return problems;
  }

  private static void collect(OutputUnit u, List<String> out) {
    if (u.getErrors() != null) {
      for (OutputUnit e : u.getErrors()) {
        if (e.getError() != null) {
          out.add(e.getInstanceLocation() + ": " + e.getError());
        }
        collect(e, out);
      }
    }
  }

  static JsonObject toJsonSchema(JsonObject s) {
    JsonObject out = new JsonObject();
    boolean preserve = Boolean.TRUE.equals(s.getValue("x-kubernetes-preserve-unknown-fields"));
    for (Map.Entry<String, Object> e : s) {
      String k = e.getKey();
      if (k.startsWith("x-kubernetes-") || k.equals("description")) {
        if (k.equals("x-kubernetes-int-or-string") && Boolean.TRUE.equals(e.getValue())) {
          out.put("type", new JsonArray().add("integer").add("string"));
        }
        continue;
      }
      switch (k) {
        case "properties" -> {
          JsonObject props = new JsonObject();
          ((JsonObject) e.getValue()).forEach(p -> props.put(p.getKey(), toJsonSchema((JsonObject) p.getValue())));
          out.put(k, props);
        }
        case "items" -> out.put(k, toJsonSchema((JsonObject) e.getValue()));
        case "additionalProperties" -> out.put(k, e.getValue() instanceof JsonObject o ? toJsonSchema(o) : e.getValue());
        default -> out.put(k, e.getValue());
      }
    }
    if ("object".equals(s.getValue("type")) && s.containsKey("properties") && !preserve
        && !s.containsKey("additionalProperties")) {
      out.put("additionalProperties", false);
    }
    return out;
  }
}
