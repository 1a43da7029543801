package io.vxmesh.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.model.Kind;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.model.Service;
import io.vxmesh.resource.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceDirectoryTest {

  @TempDir
  Path dir;

  static String service(String name, int port) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %s}
        spec: {ports: [{name: tcp, port: %d}]}
        """.formatted(name, port);
  }

  @Test
  void picksUpAddedEditedAndDeletedFiles() throws IOException {
    ResourceDirectory rd = new ResourceDirectory(dir);
    MeshSnapshot empty = rd.scan().snapshot();
    assertNotNull(empty);
    assertEquals(0, empty.resources().size());
    assertNull(rd.scan().snapshot(), "nothing changed, no new snapshot");

    Files.writeString(dir.resolve("a.yaml"), service("a", 80));
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/b.yml"), service("b", 81));
    Files.writeString(dir.resolve("notes.txt"), "not a manifest");
    Files.writeString(dir.resolve(".hidden.yaml"), service("hidden", 82));
    MeshSnapshot s1 = rd.scan().snapshot();
    assertEquals(2, s1.resources().size());
    assertEquals(1, s1.revision() - empty.revision());

    Files.writeString(dir.resolve("a.yaml"), service("a", 90));
    MeshSnapshot s2 = rd.scan().snapshot();
    Service a = s2.<Service>ofKind(Kind.SERVICE).get(0);
    assertEquals(90, a.ports().get(0).port());

    Files.delete(dir.resolve("sub/b.yml"));
    MeshSnapshot s3 = rd.scan().snapshot();
    assertEquals(1, s3.resources().size());
  }

  @Test
  void aFileThatDoesNotParseKeepsItsLastGoodResources() throws IOException {
    ResourceDirectory rd = new ResourceDirectory(dir);
    Files.writeString(dir.resolve("a.yaml"), service("a", 80));
    rd.scan();
    Files.writeString(dir.resolve("a.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: [\n");
    MeshSnapshot s = rd.scan().snapshot();
    assertEquals(1, s.resources().size(), "the last good version stays");
    Finding f = s.findings().get(0);
    assertEquals(Finding.Code.PARSE_ERROR, f.code());
    assertEquals("a.yaml", f.source());
    assertTrue(f.message().contains("last good version (1 resources) stays in force"), f.message());
  }

  @Test
  void aResourceRefusedByAdmissionKeepsItsPreviousVersion() throws IOException {
    ResourceDirectory rd = new ResourceDirectory(dir);
    Files.writeString(dir.resolve("a.yaml"), service("a", 80));
    rd.scan();
    Files.writeString(dir.resolve("a.yaml"), service("a", 70000));
    MeshSnapshot s = rd.scan().snapshot();
    Service a = s.<Service>ofKind(Kind.SERVICE).get(0);
    assertEquals(80, a.ports().get(0).port());
    assertTrue(s.findings().stream().anyMatch(f -> f.code() == Finding.Code.INVALID_RESOURCE
        && f.message().contains("spec.ports[0].port: port 70000 is outside 1-65535")), s.findings().toString());
  }

  @Test
  void theSameResourceInTwoFilesIsAnError() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), service("x", 80));
    Files.writeString(dir.resolve("b.yaml"), service("x", 81));
    MeshSnapshot s = new ResourceDirectory(dir).scan().snapshot();
    assertEquals(81, s.<Service>ofKind(Kind.SERVICE).get(0).ports().get(0).port(), "later file wins, as kubectl apply");
    Finding f = s.findings().get(0);
    assertEquals(Finding.Code.DUPLICATE_RESOURCE, f.code());
    assertEquals("b.yaml", f.source());
    assertEquals("Service default/x", f.resource());
  }

  @Test
  void aMissingDirectoryIsAClearError() {
    IOException e = assertThrows(IOException.class, () -> new ResourceDirectory(dir.resolve("nope")).scan());
    assertTrue(e.getMessage().contains("does not exist"));
  }
}
