package io.vxmesh.compile;

import java.util.Map;

/** Who a proxy is: settled once per process, so that rules about the source compile away. */
public record ProxyIdentity(Role role, String namespace, String pod, String serviceAccount, Map<String, String> labels) {

  public enum Role { GATEWAY, SIDECAR }

  public ProxyIdentity {
    labels = Map.copyOf(labels);
    pod = pod == null ? "" : pod;
    serviceAccount = serviceAccount == null ? "" : serviceAccount;
  }

  public static ProxyIdentity gateway(String namespace, Map<String, String> labels) {
    return new ProxyIdentity(Role.GATEWAY, namespace, "", "", labels);
  }

  public static ProxyIdentity sidecar(String namespace, String pod, String serviceAccount, Map<String, String> labels) {
    return new ProxyIdentity(Role.SIDECAR, namespace, pod, serviceAccount, labels);
  }
}
