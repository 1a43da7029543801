package io.vxmesh.model;

import java.util.List;
import java.util.Map;

/** An SMI HTTPRouteGroup: named HTTP request matches. */
public record HttpRouteGroup(ObjectMeta meta, Origin origin, List<HttpMatch> matches) implements Resource {

  public HttpRouteGroup {
    matches = List.copyOf(matches);
  }

  /** Empty {@code pathRegex}, methods or headers match everything; {@code *} in methods is any method. */
  public record HttpMatch(String name, String pathRegex, List<String> methods, Map<String, String> headers) {
    public HttpMatch {
      pathRegex = pathRegex == null ? "" : pathRegex;
      methods = List.copyOf(methods);
      headers = Map.copyOf(headers);
    }
  }

  @Override
  public Kind kind() {
    return Kind.HTTP_ROUTE_GROUP;
  }
}
