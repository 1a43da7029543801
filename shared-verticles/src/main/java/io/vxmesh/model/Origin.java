package io.vxmesh.model;

/**
 * Where a resource came from: a file of the resource directory (relative path, 1-based document
 * number within it) or a live source such as the Kubernetes API.
 */
public record Origin(String source, int document) {

  public static Origin file(String path, int document) {
    return new Origin(path, document);
  }

  public static Origin live(String source) {
    return new Origin(source, 0);
  }

  @Override
  public String toString() {
    return document > 1 ? source + " (document " + document + ")" : source;
  }
}
