package io.vxmesh.compile;

import java.util.List;
import java.util.Map;

/**
 * The HTTP requests an Egress policy allows on its http ports, from the SMI HTTPRouteGroups its
 * {@code matches} name. Not {@code restricted} (no matches written): every request. Restricted with
 * no routes (the groups are missing): none.
 */
public record HttpRoutes(boolean restricted, List<HttpRoute> routes) {

  public static final HttpRoutes ANY = new HttpRoutes(false, List.of());

  public HttpRoutes {
    routes = List.copyOf(routes);
  }

  /**
   * One HTTPRouteGroup match, as OSM applies it: {@code pathRegex} must match the whole path (query
   * removed; empty = any path), {@code methods} (empty or {@code *} = any), every header's value must
   * match its regular expression (names case-insensitive).
   */
  public record HttpRoute(String group, String name, String pathRegex, List<String> methods,
                          Map<String, String> headers) {
    public HttpRoute {
      methods = List.copyOf(methods);
      headers = Map.copyOf(headers);
    }

    /** {@code curl/egress-http-route/status}, for the access log. */
    public String describe() {
      return group + "/" + name;
    }
  }
}
