package io.vxmesh.gateway;

/** YAML snippets for gateway tests: each returns one document, joined with {@link #docs}. */
final class Manifests {
  private Manifests() {}

  static String docs(String... docs) {
    return String.join("\n---\n", docs) + "\n";
  }

  static String gateway(String name, String selector, int... ports) {
    StringBuilder servers = new StringBuilder();
    for (int p : ports) {
      servers.append("    - hosts: ['*']\n      port: {name: tcp-").append(p).append(", number: ").append(p)
          .append(", protocol: TCP}\n");
    }
    return """
        apiVersion: networking.istio.io/v1beta1
        kind: Gateway
        metadata: {name: %s, namespace: istio-system}
        spec:
          selector: {%s}
          servers:
        %s""".formatted(name, selector, servers);
  }

  /** A Service {@code name} in default, port 19000 -> {@code targetPort}, selecting {@code app=name}. */
  static String service(String name, int targetPort) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %s, namespace: default}
        spec:
          selector: {app: %s}
          ports: [{name: tcp, port: 19000, targetPort: %d}]""".formatted(name, name, targetPort);
  }

  /** A ready pod of app {@code app} at {@code ip}, with extra labels like {@code "version: prod"}. */
  static String pod(String name, String app, String ip, String... labels) {
    StringBuilder l = new StringBuilder("app: " + app);
    for (String x : labels) {
      l.append(", ").append(x);
    }
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s, namespace: default, labels: {%s}}
        spec: {serviceAccountName: %s}
        status: {phase: Running, podIP: %s}""".formatted(name, l, app, ip);
  }

  /** A VirtualService in istio-system bound to {@code gateways}, with the given tcp rules (YAML list items). */
  static String virtualService(String name, String gateways, String tcpRules) {
    return """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: %s, namespace: istio-system}
        spec:
          gateways: [%s]
          hosts: ['*']
          tcp:
        %s""".formatted(name, gateways, tcpRules.indent(2));
  }

  static String route(String host) {
    return "- route: [{destination: {host: " + host + ".default.svc.cluster.local}}]";
  }
}
