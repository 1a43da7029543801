package io.vxmesh.model;

/** A Kubernetes IntOrString port: a number, or the name of a container port. */
public record PortRef(int number, String name) {

  public static PortRef of(int number) {
    return new PortRef(number, null);
  }

  public static PortRef named(String name) {
    return new PortRef(0, name);
  }

  public boolean isNamed() {
    return name != null;
  }

  @Override
  public String toString() {
    return isNamed() ? name : Integer.toString(number);
  }
}
