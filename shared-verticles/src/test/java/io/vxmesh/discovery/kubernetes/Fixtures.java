package io.vxmesh.discovery.kubernetes;

import io.vxmesh.model.Kind;
import java.util.Map;

/** One valid object of every kind vxmesh reads, and an edit of it that changes what is parsed. */
public final class Fixtures {
  private Fixtures() {}

  public record Sample(String yaml, String edited) {}

  public static final Map<Kind, Sample> SAMPLES = Map.ofEntries(
      Map.entry(Kind.SERVICE, new Sample("""
          apiVersion: v1
          kind: Service
          metadata: {name: echo, namespace: demo}
          spec:
            selector: {app: echo}
            ports: [{name: tcp, port: 9000, targetPort: 9000}]
          """, """
          apiVersion: v1
          kind: Service
          metadata: {name: echo, namespace: demo}
          spec:
            selector: {app: echo}
            ports: [{name: tcp, port: 9001, targetPort: 9000}]
          """)),
      Map.entry(Kind.ENDPOINT_SLICE, new Sample("""
          apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata: {name: echo-abc, namespace: demo, labels: {kubernetes.io/service-name: echo}}
          addressType: IPv4
          ports: [{name: tcp, port: 9000}]
          endpoints:
          - addresses: [10.1.0.5]
            conditions: {ready: true}
          """, """
          apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata: {name: echo-abc, namespace: demo, labels: {kubernetes.io/service-name: echo}}
          addressType: IPv4
          ports: [{name: tcp, port: 9000}]
          endpoints:
          - addresses: [10.1.0.6]
            conditions: {ready: true}
          """)),
      Map.entry(Kind.POD, new Sample("""
          apiVersion: v1
          kind: Pod
          metadata: {name: echo-1, namespace: demo, labels: {app: echo}}
          spec: {serviceAccountName: echo, containers: [{name: echo, image: echo}]}
          status: {phase: Running, podIP: 10.1.0.5}
          """, """
          apiVersion: v1
          kind: Pod
          metadata: {name: echo-1, namespace: demo, labels: {app: echo, version: v2}}
          spec: {serviceAccountName: echo, containers: [{name: echo, image: echo}]}
          status: {phase: Running, podIP: 10.1.0.5}
          """)),
      Map.entry(Kind.GATEWAY, new Sample("""
          apiVersion: networking.istio.io/v1
          kind: Gateway
          metadata: {name: gw, namespace: demo}
          spec:
            selector: {istio: ingressgateway}
            servers: [{hosts: ['*'], port: {name: tcp, number: 19000, protocol: TCP}}]
          """, """
          apiVersion: networking.istio.io/v1
          kind: Gateway
          metadata: {name: gw, namespace: demo}
          spec:
            selector: {istio: ingressgateway}
            servers: [{hosts: ['*'], port: {name: tcp, number: 19001, protocol: TCP}}]
          """)),
      Map.entry(Kind.VIRTUAL_SERVICE, new Sample("""
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: vs, namespace: demo}
          spec:
            hosts: ['*']
            gateways: [gw]
            tcp: [{route: [{destination: {host: echo}}]}]
          """, """
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: vs, namespace: demo}
          spec:
            hosts: ['*']
            gateways: [gw]
            tcp: [{match: [{port: 19000}], route: [{destination: {host: echo}}]}]
          """)),
      Map.entry(Kind.DESTINATION_RULE, new Sample("""
          apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: dr, namespace: demo}
          spec:
            host: echo
            subsets: [{name: v1, labels: {version: v1}}]
          """, """
          apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: dr, namespace: demo}
          spec:
            host: echo
            subsets: [{name: v2, labels: {version: v2}}]
          """)),
      Map.entry(Kind.TRAFFIC_TARGET, new Sample("""
          apiVersion: access.smi-spec.io/v1alpha3
          kind: TrafficTarget
          metadata: {name: tt, namespace: demo}
          spec:
            destination: {kind: ServiceAccount, name: echo, namespace: demo}
            sources: [{kind: ServiceAccount, name: curl, namespace: curl}]
            rules: [{kind: TCPRoute, name: route}]
          """, """
          apiVersion: access.smi-spec.io/v1alpha3
          kind: TrafficTarget
          metadata: {name: tt, namespace: demo}
          spec:
            destination: {kind: ServiceAccount, name: echo, namespace: demo}
            sources: [{kind: ServiceAccount, name: curl2, namespace: curl}]
            rules: [{kind: TCPRoute, name: route}]
          """)),
      Map.entry(Kind.TCP_ROUTE, new Sample("""
          apiVersion: specs.smi-spec.io/v1alpha4
          kind: TCPRoute
          metadata: {name: route, namespace: demo}
          spec: {matches: {ports: [9000]}}
          """, """
          apiVersion: specs.smi-spec.io/v1alpha4
          kind: TCPRoute
          metadata: {name: route, namespace: demo}
          spec: {matches: {ports: [9001]}}
          """)),
      Map.entry(Kind.HTTP_ROUTE_GROUP, new Sample("""
          apiVersion: specs.smi-spec.io/v1alpha4
          kind: HTTPRouteGroup
          metadata: {name: routes, namespace: demo}
          spec:
            matches: [{name: status, pathRegex: /status.*, methods: [GET]}]
          """, """
          apiVersion: specs.smi-spec.io/v1alpha4
          kind: HTTPRouteGroup
          metadata: {name: routes, namespace: demo}
          spec:
            matches: [{name: status, pathRegex: /get.*, methods: [GET]}]
          """)),
      Map.entry(Kind.EGRESS, new Sample("""
          apiVersion: policy.openservicemesh.io/v1alpha1
          kind: Egress
          metadata: {name: httpbin, namespace: demo}
          spec:
            sources: [{kind: ServiceAccount, name: curl, namespace: curl}]
            hosts: [httpbin.org]
            ports: [{number: 80, protocol: http}]
          """, """
          apiVersion: policy.openservicemesh.io/v1alpha1
          kind: Egress
          metadata: {name: httpbin, namespace: demo}
          spec:
            sources: [{kind: ServiceAccount, name: curl, namespace: curl}]
            hosts: [httpbin.org]
            ports: [{number: 8080, protocol: http}]
          """)),
      Map.entry(Kind.MESH_CONFIG, new Sample("""
          apiVersion: config.openservicemesh.io/v1alpha3
          kind: MeshConfig
          metadata: {name: osm-mesh-config, namespace: osm-system}
          spec:
            traffic: {enablePermissiveTrafficPolicyMode: true}
          """, """
          apiVersion: config.openservicemesh.io/v1alpha3
          kind: MeshConfig
          metadata: {name: osm-mesh-config, namespace: osm-system}
          spec:
            traffic: {enablePermissiveTrafficPolicyMode: false}
          """)));

  public static String all() {
    StringBuilder sb = new StringBuilder();
    for (Kind k : Kind.values()) {
      sb.append(SAMPLES.get(k).yaml()).append("---\n");
    }
    return sb.toString();
  }
}
