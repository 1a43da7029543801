package io.vxmesh.resource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Comparator;

/**
 * One thing the parser, admission or analysis has to say about the resources: where (file and
 * resource), what (a stable code) and why (a sentence naming the field).
 */
public record Finding(Severity severity, Code code, String source, String resource, String message) {

  public enum Severity { ERROR, WARNING, INFO }

  /** Stable identifiers, like Istio's IST0xxx analyzer codes. */
  public enum Code {
    PARSE_ERROR("VX0001"),
    INVALID_RESOURCE("VX0002"),
    UNSUPPORTED_VERSION("VX0003"),
    DUPLICATE_RESOURCE("VX0004"),
    UNKNOWN_HOST("VX0101"),
    UNKNOWN_SUBSET("VX0102"),
    UNKNOWN_PORT("VX0103"),
    HTTP_ROUTES_ON_TCP_PORT("VX0104"),
    HTTP_ROUTES_NOT_SUPPORTED("VX0105"),
    SHADOWED_RULE("VX0106"),
    UNKNOWN_GATEWAY("VX0107"),
    UNSUPPORTED_SERVER("VX0108"),
    TLS_ROUTES_NOT_SUPPORTED("VX0109"),
    NO_ENDPOINTS("VX0110"),
    SUBSET_SELECTS_NO_PODS("VX0111"),
    MULTIPLE_VIRTUAL_SERVICES("VX0112"),
    MESH_CONFIG_IGNORED("VX0113"),
    GATEWAY_HOSTS_UNMATCHED("VX0114"),
    UNKNOWN_ROUTE("VX0201"),
    UNKNOWN_IDENTITY("VX0202"),
    UNSUPPORTED_PROTOCOL("VX0203"),
    EGRESS_POLICY_OFF("VX0301"),
    EGRESS_FIELD_IGNORED("VX0302");

    private final String id;

    Code(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }
  }

  public static final Comparator<Finding> ORDER = Comparator
      .comparing(Finding::severity)
      .thenComparing(f -> f.source == null ? "" : f.source)
      .thenComparing(f -> f.resource == null ? "" : f.resource)
      .thenComparing(Finding::code)
      .thenComparing(Finding::message);

  public static Finding error(Code code, String source, String resource, String message) {
    return new Finding(Severity.ERROR, code, source, resource, message);
  }

  public static Finding warning(Code code, String source, String resource, String message) {
    return new Finding(Severity.WARNING, code, source, resource, message);
  }

  /** Derived from {@code severity}; not a property of the JSON form (which must read back). */
  @JsonIgnore
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code ERROR VX0102 routes.yaml: VirtualService default/echo: subset "gray" ...}. */
  public String format() {
    StringBuilder sb = new StringBuilder(severity.name()).append(' ').append(code.id()).append(' ');
    if (source != null && !source.isEmpty()) {
      sb.append(source).append(": ");
    }
    if (resource != null && !resource.isEmpty()) {
      sb.append(resource).append(": ");
    }
    return sb.append(message).toString();
  }

  @Override
  public String toString() {
    return format();
  }
}
