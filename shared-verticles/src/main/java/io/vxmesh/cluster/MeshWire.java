package io.vxmesh.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vxmesh.compile.CompiledMesh;
import io.vxmesh.compile.MeshJson;
import io.vxmesh.policy.VersionedMesh;

/**
 * The form a compiled mesh version travels in between members (the cluster map and the clustered
 * event bus): JSON text {@code {"generation", "epoch", "leader", "version", "mesh"}}, the mesh as
 * {@link MeshJson} writes it. Decoding gives back an equal {@link VersionedMesh}. Pure.
 */
public final class MeshWire {

  /** A version as the leader of {@code epoch} published it. */
  public record Published(VersionedMesh mesh, long epoch, String leader) {
    public long generation() {
      return mesh.generation();
    }
  }

  /**
   * Derived properties that {@link MeshJson} writes (such as {@code Finding.error}, from
   * {@code isError()}) are not record components: skip them when reading. The round-trip test
   * proves nothing else is lost.
   */
  private static final ObjectReader MESH_READER = MeshJson.mapper().readerFor(CompiledMesh.class)
      .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private MeshWire() {}

  public static String encode(Published p) {
    ObjectNode root = MeshJson.mapper().createObjectNode();
    root.put("generation", p.mesh().generation());
    root.put("epoch", p.epoch());
    root.put("leader", p.leader());
    root.put("version", p.mesh().version());
    root.set("mesh", MeshJson.toTree(p.mesh().mesh()));
    return MeshJson.toJson(root);
  }

  public static Published decode(String json) {
    try {
      JsonNode root = MeshJson.mapper().readTree(json);
      if (root == null || !root.path("generation").canConvertToLong() || !root.has("mesh")) {
        throw new IllegalArgumentException("not a published mesh version (no generation or mesh)");
      }
      CompiledMesh mesh = MESH_READER.readValue(root.get("mesh"));
      VersionedMesh vm = new VersionedMesh(root.get("generation").asLong(), mesh);
      String version = root.path("version").asText("");
      if (!version.isEmpty() && !version.equals(vm.version())) {
        throw new IllegalArgumentException("published as version " + version + " but its content is " + vm.version());
      }
      return new Published(vm, root.path("epoch").asLong(0), root.path("leader").asText(""));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a published mesh version: " + e.getOriginalMessage(), e);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not a published mesh version: " + e.getMessage(), e);
    }
  }
}
