package io.vxmesh.discovery;

import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.model.Resource;
import io.vxmesh.model.ResourceKey;
import io.vxmesh.resource.Finding;
import io.vxmesh.resource.Finding.Code;
import io.vxmesh.resource.ResourceParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The resource directory as discovery sees it: every {@code *.yaml}, {@code *.yml} and
 * {@code *.json} below the root (hidden files and directories skipped, symbolic links followed, so
 * a mounted ConfigMap works), each parsed when its content changes.
 *
 * <p>Nothing working is lost to a bad edit: a file that does not parse keeps the resources of its
 * last good version, and a resource refused by admission keeps its previous version; both are
 * reported with the file and resource. Blocking I/O: call {@link #scan()} from a worker.
 */
public final class ResourceDirectory {

  /** Files are re-hashed when their modification time is this recent, to catch same-second edits. */
  private static final long RACY_MILLIS = 2_000;

  private final Path root;
  private final Map<String, FileState> files = new TreeMap<>();
  private Map<ResourceKey, Resource> admitted = Map.of();
  private MeshSnapshot current;
  private long revision;

  public ResourceDirectory(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** What a scan found: the new snapshot when anything changed, else null. */
  public record Scan(MeshSnapshot snapshot, int files) {}

  private record FileState(long modified, long size, String hash, ResourceParser.Result good, Finding error) {}

  /** Reads what changed since the last scan. Throws when the directory itself is unusable. */
  public synchronized Scan scan() throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException("resource directory " + root + " does not exist or is not a directory");
    }
    long now = System.currentTimeMillis();
    Map<String, Path> seen = list();
    files.keySet().retainAll(seen.keySet());
    for (Map.Entry<String, Path> e : seen.entrySet()) {
      refresh(e.getKey(), e.getValue(), now);
    }
    MeshSnapshot next = assemble(revision + 1);
    if (next.sameContent(current)) {
      return new Scan(null, files.size());
    }
    revision++;
    current = next;
    return new Scan(next, files.size());
  }

  private Map<String, Path> list() throws IOException {
    Map<String, Path> out = new TreeMap<>();
    Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), 32, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return !dir.equals(root) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        String name = file.getFileName().toString();
        if (attrs.isRegularFile() && !hidden(file)
            && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"))) {
          out.put(root.relativize(file).toString(), file);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException exc) {
        return FileVisitResult.CONTINUE;
      }
    });
    return out;
  }

  private static boolean hidden(Path p) {
    return p.getFileName() != null && p.getFileName().toString().startsWith(".");
  }

  private void refresh(String name, Path path, long now) {
    FileState old = files.get(name);
    long modified;
    long size;
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      modified = a.lastModifiedTime().toMillis();
      size = a.size();
    } catch (IOException e) {
      return; // vanished between listing and reading: the next scan settles it
    }
    boolean racy = now - modified < RACY_MILLIS;
    if (old != null && old.modified == modified && old.size == size && !racy) {
      return;
    }
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      files.put(name, new FileState(modified, size, "", old == null ? null : old.good,
          Finding.error(Code.PARSE_ERROR, name, null, "cannot be read: " + e.getMessage())));
      return;
    }
    String hash = sha256(text);
    if (old != null && old.hash.equals(hash)) {
      files.put(name, new FileState(modified, size, hash, old.good, old.error));
      return;
    }
    ResourceParser.Result result = ResourceParser.parse(name, text);
    if (result.parsed()) {
      files.put(name, new FileState(modified, size, hash, result, null));
    } else {
      files.put(name, new FileState(modified, size, hash, old == null ? null : old.good, result.findings().get(0)));
    }
  }

  private MeshSnapshot assemble(long nextRevision) {
    Map<ResourceKey, Resource> merged = new LinkedHashMap<>();
    Map<ResourceKey, String> definedIn = new HashMap<>();
    List<Finding> findings = new ArrayList<>();
    for (Map.Entry<String, FileState> e : files.entrySet()) {
      String name = e.getKey();
      FileState state = e.getValue();
      if (state.error != null) {
        String kept = state.good == null ? "nothing from it is in force"
            : "its last good version (" + state.good.resources().size() + " resources) stays in force";
        findings.add(new Finding(state.error.severity(), state.error.code(), state.error.source(),
            state.error.resource(), state.error.message() + "; " + kept));
      }
      if (state.good == null) {
        continue;
      }
      findings.addAll(state.good.findings());
      for (Resource r : state.good.resources()) {
        String first = definedIn.get(r.key());
        if (first != null) {
          findings.add(Finding.error(Code.DUPLICATE_RESOURCE, name, r.describe(), "is also defined in " + first
              + "; this definition replaces that one (files are applied in name order, as kubectl apply -f DIR does)"));
        }
        merged.put(r.key(), r);
        definedIn.put(r.key(), name);
      }
      for (ResourceKey k : state.good.rejected()) {
        Resource previous = admitted.get(k);
        if (!merged.containsKey(k) && previous != null) {
          merged.put(k, previous);
          definedIn.put(k, name);
          findings.add(new Finding(Finding.Severity.INFO, Code.INVALID_RESOURCE, name, k.toString(),
              "its previous version (from " + previous.origin() + ") stays in force"));
        }
      }
    }
    admitted = Map.copyOf(merged);
    return new MeshSnapshot(nextRevision, List.copyOf(merged.values()), findings);
  }

  private static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return java.util.HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
