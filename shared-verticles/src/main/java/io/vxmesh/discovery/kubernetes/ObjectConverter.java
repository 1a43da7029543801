package io.vxmesh.discovery.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vxmesh.model.Kind;
import io.vxmesh.model.ObjectMeta;
import io.vxmesh.model.Origin;
import io.vxmesh.model.ResourceKey;
import io.vxmesh.resource.Finding;
import io.vxmesh.resource.ResourceParser;
import java.util.List;

/**
 * Turns an object as the API server serves it (JSON text) into what the resource directory would
 * make of the same manifest: the text is parsed by {@link ResourceParser}, so both sources give
 * identical records and share validation. Pure.
 */
public final class ObjectConverter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One object: its key (from the watch's kind and the object's metadata) and what the parser made of it. */
  public record Converted(ResourceKey key, ResourceParser.Result result) {}

  private ObjectConverter() {}

  /** Where a live object came from, as findings and {@code /config_dump} name it. */
  public static Origin origin(Kind kind, String namespace, String name) {
    return Origin.live("kubernetes " + kind.kindName() + " " + namespace + "/" + name);
  }

  /**
   * @param kind what the watch asked for (list items from the API may lack {@code kind}/{@code apiVersion})
   * @param apiVersion the version the watch asked for
   */
  public static Converted convert(Kind kind, String apiVersion, String json) {
    JsonNode tree;
    try {
      tree = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the API server sent a " + kind.kindName() + " that is not JSON: "
          + e.getOriginalMessage(), e);
    }
    if (!(tree instanceof ObjectNode object)) {
      throw new IllegalArgumentException("the API server sent a " + kind.kindName() + " that is not an object");
    }
    if (!object.hasNonNull("kind")) {
      object.put("kind", kind.kindName());
    }
    if (!object.hasNonNull("apiVersion")) {
      object.put("apiVersion", apiVersion);
    }
    JsonNode meta = object.path("metadata");
    String name = meta.path("name").asText("");
    String ns = meta.path("namespace").asText("");
    String namespace = ns.isEmpty() ? ObjectMeta.DEFAULT_NAMESPACE : ns;
    ResourceKey key = new ResourceKey(kind, namespace, name);
    if (name.isEmpty()) {
      return new Converted(key, new ResourceParser.Result(List.of(), List.of(Finding.error(
          Finding.Code.INVALID_RESOURCE, "kubernetes " + kind.kindName(), null, "object without metadata.name")),
          List.of(), 0, true));
    }
    return new Converted(key, ResourceParser.parseObject(object, origin(kind, namespace, name)));
  }
}
