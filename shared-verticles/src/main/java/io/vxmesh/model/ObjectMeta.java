package io.vxmesh.model;

import java.util.Map;

/** The part of {@code metadata} vxmesh uses. The namespace defaults to {@code default}, as kubectl does. */
public record ObjectMeta(
    String name,
    String namespace,
    Map<String, String> labels,
    Map<String, String> annotations,
    String creationTimestamp) {

  public static final String DEFAULT_NAMESPACE = "default";

  public ObjectMeta {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    creationTimestamp = creationTimestamp == null ? "" : creationTimestamp;
  }

  public static ObjectMeta of(String namespace, String name) {
    return new ObjectMeta(name, namespace, Map.of(), Map.of(), "");
  }
}
