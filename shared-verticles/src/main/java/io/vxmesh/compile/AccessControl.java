package io.vxmesh.compile;

import java.util.List;
import java.util.Map;

/**
 * SMI access control specialised for one proxy. Identities are {@code namespace/serviceaccount}.
 * When not {@code enforced} (permissive mode) everything is allowed. When enforced: this proxy may
 * open connections to a destination identity on the ports {@code outbound} lists for it, and accept
 * connections from a source identity on the ports {@code inbound} lists; an empty port list means
 * every port; unknown identities are unmeshed and denied.
 */
public record AccessControl(boolean enforced, String self, Map<String, List<Integer>> outbound,
                            Map<String, List<Integer>> inbound) {

  public static final AccessControl OPEN = new AccessControl(false, "", Map.of(), Map.of());

  public AccessControl {
    outbound = Map.copyOf(outbound);
    inbound = Map.copyOf(inbound);
  }

  /** Client side: may this proxy connect to an endpoint of {@code destination} on {@code port}? */
  public boolean allowsOutbound(String destination, int port) {
    if (!enforced) {
      return true;
    }
    if (self.isEmpty()) {
      return false; // SMI names sources by service account: a proxy without one is no allowed source
    }
    return allowed(outbound.get(destination), port);
  }

  /** Server side: may {@code source} ("" when not a meshed pod) reach this pod on {@code port}? */
  public boolean allowsInbound(String source, int port) {
    if (!enforced) {
      return true;
    }
    return !source.isEmpty() && allowed(inbound.get(source), port);
  }

  private static boolean allowed(List<Integer> ports, int port) {
    return ports != null && (ports.isEmpty() || ports.contains(port));
  }
}
