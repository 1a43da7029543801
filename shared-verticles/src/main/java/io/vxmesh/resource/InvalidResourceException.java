package io.vxmesh.resource;

/** A field of a resource is missing or malformed; {@code path} names it (e.g. {@code spec.tcp[0].route}). */
public final class InvalidResourceException extends RuntimeException {
  private final String path;

  public InvalidResourceException(String path, String message) {
    super(path.isEmpty() ? message : path + ": " + message, null, false, false);
    this.path = path;
  }

  public String path() {
    return path;
  }
}
