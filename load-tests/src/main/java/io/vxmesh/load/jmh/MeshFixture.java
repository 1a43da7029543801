package io.vxmesh.load.jmh;

import io.vxmesh.common.IpAddress;
import io.vxmesh.compile.CompiledMesh;
import io.vxmesh.compile.ConnectionFacts;
import io.vxmesh.compile.MeshCompiler;
import io.vxmesh.compile.ProxyIdentity;
import io.vxmesh.compile.ProxyTable;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.resource.Finding;
import io.vxmesh.resource.ResourceParser;
import java.util.Map;

/**
 * A mesh of {@code n} routes, generated as the manifests a user would write: one Gateway (port
 * 19000), and per route i a Service {@code svc-i} (cluster IP 10.96.x.y, port 19000), its ready Pod
 * (10.1.x.y) and a VirtualService {@code vs-i} bound to the Gateway and to the mesh whose one tcp
 * rule matches destination {@code 10.96.x.y/32} and routes to {@code svc-i}. On the gateway that is
 * one listener with n rules tried in order; on a sidecar, n services with one rule each.
 */
public final class MeshFixture {
  public static final int PORT = 19000;
  public static final String NAMESPACE = "bench";
  public static final ProxyIdentity GATEWAY = ProxyIdentity.gateway("istio-system", Map.of("istio", "bench-gw"));
  public static final ProxyIdentity SIDECAR = ProxyIdentity.sidecar(NAMESPACE, "client-0", "client",
      Map.of("app", "client"));

  private MeshFixture() {}

  /** The manifests, one multi-document YAML text. */
  public static String manifests(int n) {
    StringBuilder y = new StringBuilder(n * 900);
    y.append("""
        apiVersion: networking.istio.io/v1beta1
        kind: Gateway
        metadata: {name: bench-gw, namespace: istio-system}
        spec:
          selector: {istio: bench-gw}
          servers:
            - hosts: ['*']
              port: {name: tcp, number: %d, protocol: TCP}
        """.formatted(PORT));
    for (int i = 0; i < n; i++) {
      String name = "svc-%05d".formatted(i);
      y.append("---\n").append("""
          apiVersion: v1
          kind: Service
          metadata: {name: %1$s, namespace: %2$s}
          spec:
            clusterIP: %3$s
            selector: {app: %1$s}
            ports: [{name: tcp, port: %5$d, targetPort: 9000}]
          ---
          apiVersion: v1
          kind: Pod
          metadata: {name: %1$s-0, namespace: %2$s, labels: {app: %1$s}}
          spec: {serviceAccountName: %1$s}
          status: {phase: Running, podIP: %4$s}
          ---
          apiVersion: networking.istio.io/v1beta1
          kind: VirtualService
          metadata: {name: vs-%6$05d, namespace: %2$s}
          spec:
            hosts: [%1$s]
            gateways: [istio-system/bench-gw, mesh]
            tcp:
              - match: [{port: %5$d, destinationSubnets: [%3$s/32]}]
                route: [{destination: {host: %1$s, port: {number: %5$d}}}]
          """.formatted(name, NAMESPACE, vip(i), podIp(i), PORT, i));
    }
    return y.toString();
  }

  /** Parses the manifests; fails on any error finding, so a benchmark never times a broken mesh. */
  public static MeshSnapshot snapshot(int n) {
    ResourceParser.Result r = ResourceParser.parse("bench-" + n + ".yaml", manifests(n));
    for (Finding f : r.findings()) {
      if (f.isError()) {
        throw new IllegalStateException("generated mesh does not parse: " + f);
      }
    }
    return new MeshSnapshot(1, r.resources(), r.findings());
  }

  public static CompiledMesh compile(MeshSnapshot s) {
    return MeshCompiler.compile(s);
  }

  public static ProxyTable gatewayTable(CompiledMesh m) {
    return m.forProxy(GATEWAY, "bench");
  }

  public static ProxyTable sidecarTable(CompiledMesh m) {
    return m.forProxy(SIDECAR, "bench");
  }

  /** The facts of a connection the i-th rule (or service) takes. */
  public static ConnectionFacts facts(int i) {
    return new ConnectionFacts(PORT, IpAddress.parse(vip(i)), PORT);
  }

  /** A destination no rule matches. */
  public static ConnectionFacts miss() {
    return new ConnectionFacts(PORT, IpAddress.parse("10.255.255.254"), PORT);
  }

  public static String vip(int i) {
    return "10.96." + (i / 250) + "." + (1 + i % 250);
  }

  public static String podIp(int i) {
    return "10.1." + (i / 250) + "." + (1 + i % 250);
  }
}
