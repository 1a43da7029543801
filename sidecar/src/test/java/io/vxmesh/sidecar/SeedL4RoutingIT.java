package io.vxmesh.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.sidecar.lab.MeshLab;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Seed 002 (Alibaba Cloud ASM "layer 4 TCP routing"), sidecar mode, with real pods: echo-server
 * (answers {@code hello <line>}) and echo-server-2 ({@code hello-2 <line>}) behind Services on port
 * 19000 -> 9000, the telnet clients in {@code default} and {@code foo}, every pod meshed (iptables
 * REDIRECT + the sidecar jar as uid 1500). Each demo applies the seed's VirtualService and runs the
 * seed's client command ({@code telnet echo-server.default.svc.cluster.local 19000}, then
 * {@code test}) as the pod's application user.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedL4RoutingIT {

  static MeshLab lab;
  static MeshLab.Pod echo;
  static MeshLab.Pod echo2;
  static MeshLab.Pod client;
  static MeshLab.Pod client2;
  static MeshLab.Pod clientFoo;
  static final List<MeshLab.Pod> meshed = new ArrayList<>();

  static final String ECHO = "echo-server.default.svc.cluster.local";

  @BeforeAll
  static void cluster() throws Exception {
    String why = MeshLab.unavailable();
    Assumptions.assumeTrue(why == null, why);
    lab = new MeshLab();
    echo = lab.pod("default", "echo-server-7b8c9d", "echo-server", Map.of("app", "echo-server", "version", "prod"));
    echo2 = lab.pod("default", "echo-server-2-5f6a7b", "echo-server-2", Map.of("app", "echo-server-2"));
    client = lab.pod("default", "telnet-client-5786fc744f-9abcd", "telnet-client", Map.of("app", "telnet-client"));
    client2 = lab.pod("default", "telnet-client-2-c56db78bd-7abcd", "telnet-client-2", Map.of("app", "telnet-client-2"));
    clientFoo = lab.pod("foo", "telnet-client-foo-7c94569bfd-habcd", "telnet-client-foo",
        Map.of("app", "telnet-client-foo"));
    lab.service("default", "echo-server", Map.of("app", "echo-server"),
        "[{protocol: TCP, name: tcp, port: 19000, targetPort: 9000}]");
    lab.service("default", "echo-server-2", Map.of("app", "echo-server-2"),
        "[{protocol: TCP, name: tcp, port: 19000, targetPort: 9000}]");
    lab.echoApp(echo, 9000, "hello");
    lab.echoApp(echo2, 9000, "hello-2");
    for (MeshLab.Pod p : List.of(echo, echo2, client, client2, clientFoo)) {
      lab.sidecar(p);
      meshed.add(p);
    }
  }

  @AfterAll
  static void teardown() throws Exception {
    if (lab != null) {
      lab.close();
    }
  }

  /**
   * Writes a manifest and waits until every sidecar runs the same, new compiled mesh. Each sidecar
   * here compiles the directory itself, so generations differ between them: compare digests.
   */
  static void apply(String file, String yaml) throws Exception {
    Map<String, String> before = new HashMap<>();
    for (MeshLab.Pod p : meshed) {
      before.put(p.name(), lab.digest(p));
    }
    if (yaml == null) {
      lab.delete(file);
    } else {
      lab.write(file, yaml);
    }
    MeshLab.awaitTrue("every sidecar at the new mesh version", () -> {
      String first = null;
      for (MeshLab.Pod p : meshed) {
        String v = lab.digest(p);
        if (v.isEmpty() || v.equals(before.get(p.name())) || (first != null && !first.equals(v))) {
          return false;
        }
        first = v;
      }
      return true;
    });
  }

  /** The seed's client step: connect to echo-server:19000, send "test", print the answer. */
  static String telnet(MeshLab.Pod from) throws Exception {
    MeshLab.Result r = lab.app(from, "echo test | ncat -w 5 " + ECHO + " 19000");
    return r.out().trim();
  }

  static String vs(String name, String ns, String spec) {
    return """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata:
          name: %s
          namespace: %s
        spec:
        %s""".formatted(name, ns, spec.indent(2));
  }

  @Test
  @Order(1)
  void withoutVirtualServiceTheOriginalServiceAnswers() throws Exception {
    assertEquals("hello test", telnet(client), lab.log("sidecar-" + client.name()));
    assertEquals("hello test", telnet(clientFoo));
  }

  @Test
  @Order(2)
  void portMatchSendsPort19000ToEchoServer2() throws Exception {
    apply("vs.yaml", vs("echo", "default", """
        hosts:
          - echo-server.default.svc.cluster.local
        tcp:
          - match:
              - port: 19000
            route:
              - destination:
                  host: echo-server-2.default.svc.cluster.local
        """));
    assertEquals("hello-2 test", telnet(client));
    assertEquals("hello-2 test", telnet(client2));
    MeshLab.awaitTrue("the rule in the access log", () -> lab.accessLog(client).contains("\"route\":\"default/echo tcp[0]\""));
  }

  @Test
  @Order(3)
  void destinationSubnetsMatchTheOriginalDestinationAddress() throws Exception {
    // The Services' virtual IPs are in 10.96.0.0/16 in the lab.
    apply("vs.yaml", vs("echo", "default", """
        hosts:
          - echo-server.default.svc.cluster.local
        tcp:
          - match:
              - destinationSubnets:
                  - "10.96.0.0/16"
            route:
              - destination:
                  host: echo-server-2.default.svc.cluster.local
        """));
    assertEquals("hello-2 test", telnet(client));
    // A subnet the destination is not in: the rule does not match, the original service answers.
    apply("vs.yaml", vs("echo", "default", """
        hosts:
          - echo-server.default.svc.cluster.local
        tcp:
          - match:
              - destinationSubnets:
                  - "192.168.0.0/16"
            route:
              - destination:
                  host: echo-server-2.default.svc.cluster.local
        """));
    assertEquals("hello test", telnet(client));
  }

  @Test
  @Order(4)
  void sourceLabelsMatchTheClientWorkload() throws Exception {
    apply("vs.yaml", vs("echo", "default", """
        hosts:
          - echo-server.default.svc.cluster.local
        tcp:
          - match:
              - sourceLabels:
                  app: telnet-client
            route:
              - destination:
                  host: echo-server-2.default.svc.cluster.local
        """));
    assertEquals("hello-2 test", telnet(client), "telnet-client matches");
    assertEquals("hello test", telnet(client2), "telnet-client-2 does not");
  }

  @Test
  @Order(5)
  void sourceNamespaceMatchesTheClientNamespace() throws Exception {
    apply("vs.yaml", vs("source-namespace", "default", """
        hosts:
          - echo-server.default.svc.cluster.local
        http: []
        tcp:
          - match:
              - sourceNamespace: foo
            route:
              - destination:
                  host: echo-server-2.default.svc.cluster.local
          - route:
              - destination:
                  host: echo-server.default.svc.cluster.local
        """));
    assertEquals("hello-2 test", telnet(clientFoo), "foo/telnet-client-foo matches");
    assertEquals("hello test", telnet(client), "default/telnet-client takes the second rule");
  }

  @Test
  @Order(6)
  void weightsSplitConnections80to20AcrossSubsets() throws Exception {
    MeshLab.Pod gray = lab.pod("default", "echo-server-gray-6d7e8f", "echo-server",
        Map.of("app", "echo-server", "version", "gray"));
    lab.echoApp(gray, 9000, "hello-gray");
    lab.sidecar(gray);
    meshed.add(gray);
    // The seed's DestinationRule names host echo.default.svc.cluster.local, which matches no Service,
    // and its VirtualService uses http: routes for this TCP port; `validate` reports both. Corrected:
    lab.write("dr.yaml", """
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata:
          name: echo
          namespace: default
        spec:
          host: echo-server.default.svc.cluster.local
          subsets:
            - labels:
                version: prod
              name: prod
            - labels:
                version: gray
              name: gray
        """);
    apply("vs.yaml", vs("echo", "default", """
        hosts:
        - echo-server.default.svc.cluster.local
        tcp:
          - route:
            - destination:
                host: echo-server.default.svc.cluster.local
                subset: gray
              weight: 20
            - destination:
                host: echo-server.default.svc.cluster.local
                subset: prod
              weight: 80
        """));
    int n = 1000;
    MeshLab.Result r = lab.tool(client, "ConnectionTally", Duration.ofSeconds(150), ECHO, "19000", Integer.toString(n), "test");
    Map<String, Integer> tally = new HashMap<>();
    for (String line : r.out().strip().split("\n")) {
      String[] kv = line.split(" ");
      tally.put(kv[0], Integer.parseInt(kv[1]));
    }
    assertEquals(n, tally.getOrDefault("hello", 0) + tally.getOrDefault("hello-gray", 0), r.out() + r.err());
    double grayShare = tally.getOrDefault("hello-gray", 0) / (double) n;
    assertTrue(Math.abs(grayShare - 0.20) <= 0.04, "gray got " + grayShare + " of " + n + " connections: " + r.out());
  }

  @Test
  @Order(7)
  void aSidecarNeverLoopsIntoItself() throws Exception {
    // To the outbound port through the pod's own address (redirected) and straight on loopback.
    MeshLab.Result viaPodIp = lab.app(client, "echo test | ncat -w 5 " + client.ip() + " 15001");
    MeshLab.Result viaLoopback = lab.app(client, "echo test | ncat -w 5 127.0.0.1 15001");
    assertEquals("", viaPodIp.out());
    assertEquals(1, viaPodIp.exit(), viaPodIp.err());
    assertEquals("", viaLoopback.out());
    assertEquals(1, viaLoopback.exit(), viaLoopback.err());
    MeshLab.awaitTrue("loop refusals in the access log",
        () -> lab.accessLog(client).split("\"close_reason\":\"loop\"", -1).length - 1 >= 2);
  }

  @Test
  @Order(8)
  void inboundIsDeliveredToThePodAddressNeverToLoopback() throws Exception {
    // An application listening on 127.0.0.1 only is not reachable through the mesh by default...
    lab.echoApp(echo2, "127.0.0.1", 7000, "loopback-only");
    MeshLab.Result r = lab.app(client, "echo test | ncat -w 5 " + echo2.ip() + " 7000");
    assertEquals("", r.out());
    MeshLab.awaitTrue("the inbound attempt to the pod address in the server's access log",
        () -> lab.accessLog(echo2).contains("\"upstream\":\"" + echo2.ip() + ":7000\""));
    assertTrue(!lab.accessLog(echo2).contains("\"upstream\":\"127.0.0.1:7000\""), lab.accessLog(echo2));

    // ...unless that pod's sidecar opts in with --inbound-to-localhost.
    MeshLab.Pod legacy = lab.pod("default", "legacy-app", "legacy", Map.of("app", "legacy"));
    lab.echoApp(legacy, "127.0.0.1", 7000, "legacy");
    lab.sidecar(legacy, "--inbound-to-localhost");
    meshed.add(legacy);
    MeshLab.awaitTrue("the client's sidecar knows the new pod", () -> lab.admin(client, "/config_dump?include=mesh").contains(legacy.ip()));
    assertEquals("legacy test", lab.app(client, "echo test | ncat -w 5 " + legacy.ip() + " 7000").out().trim());
  }
}
