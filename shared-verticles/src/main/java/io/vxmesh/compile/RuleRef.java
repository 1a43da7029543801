package io.vxmesh.compile;

/** Names a rule for logs and explanations: {@code default/echo tcp[1]}. */
public record RuleRef(String namespace, String virtualService, int index) {

  @Override
  public String toString() {
    return namespace + "/" + virtualService + " tcp[" + index + "]";
  }
}
