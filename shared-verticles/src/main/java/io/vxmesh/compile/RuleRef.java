package io.vxmesh.compile;

/** Names a rule for logs and explanations: {@code default/echo tcp[1]}, {@code default/web tls[0]}. */
public record RuleRef(String namespace, String virtualService, String section, int index) {

  public RuleRef(String namespace, String virtualService, int index) {
    this(namespace, virtualService, "tcp", index);
  }

  @Override
  public String toString() {
    return namespace + "/" + virtualService + " " + section + "[" + index + "]";
  }
}
