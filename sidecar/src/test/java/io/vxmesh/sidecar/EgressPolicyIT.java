package io.vxmesh.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.sidecar.lab.Internet;
import io.vxmesh.sidecar.lab.MeshLab;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Seeds 003 (OSM egress policy) and 004 (mesh-wide egress passthrough), reproduced with the seed's
 * own curl commands from a meshed curl pod (iptables + sidecar as uid 1500) to an "internet" host
 * outside the mesh: httpbin.org (HTTP 80, HTTPS 443), openservicemesh.io (HTTPS 443) and a
 * server-first TCP service.
 *
 * <p>A refused connection is reset by the client's sidecar right after accept (or right after the
 * ClientHello, for https policies), before any byte from the destination. The seed's proxy made
 * curl fail with exit code 7; with a reset, curl says 56 ("Recv failure: Connection reset by peer")
 * for plain TCP and HTTP, 35 (SSL connect error) once it has sent its ClientHello, and 7 when the
 * reset beats the end of its non-blocking connect. Nothing from the destination arrives in any case.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EgressPolicyIT {

  static MeshLab lab;
  static Internet internet;
  static MeshLab.Pod curl;

  static final Set<Integer> REFUSED = Set.of(7, 35, 56);

  @BeforeAll
  static void cluster() throws Exception {
    String why = Internet.unavailable();
    Assumptions.assumeTrue(why == null, why);
    lab = new MeshLab();
    meshConfig(false);
    curl = lab.pod("curl", "curl-54ccc6954c-9rlvp", "curl", Map.of("app", "curl"));
    internet = Internet.start(lab);
    lab.sidecar(curl);
  }

  @AfterAll
  static void teardown() throws Exception {
    if (lab != null) {
      lab.close();
    }
  }

  static void meshConfig(boolean enableEgress) throws Exception {
    lab.write("meshconfig.yaml", """
        apiVersion: config.openservicemesh.io/v1alpha2
        kind: MeshConfig
        metadata: {name: osm-mesh-config, namespace: osm-system}
        spec:
          traffic: {enablePermissiveTrafficPolicyMode: true, enableEgress: %s}
          featureFlags: {enableEgressPolicy: true}
        """.formatted(enableEgress));
  }

  /** Writes (or, with null, deletes) a manifest and waits for the sidecar to run the new mesh. */
  static void apply(String file, String yaml) throws Exception {
    String before = lab.digest(curl);
    if (yaml == null) {
      lab.delete(file);
    } else {
      lab.write(file, yaml);
    }
    MeshLab.awaitTrue("the sidecar at the new mesh", () -> {
      String now = lab.digest(curl);
      return !now.isEmpty() && !now.equals(before);
    });
  }

  static MeshLab.Result curl(String args) throws Exception {
    return lab.app(curl, "curl -sI --max-time 10 --cacert " + internet.caCert() + " " + args);
  }

  static void assertRefused(MeshLab.Result r) {
    assertTrue(REFUSED.contains(r.exit()), "curl exit " + r.exit() + " (expected 7, 35 or 56): " + r.out() + r.err());
    assertEquals("", r.out(), "not a byte from the destination");
  }

  static void assertOk(MeshLab.Result r, String statusLine) throws Exception {
    assertEquals(0, r.exit(), r.err() + lab.log("sidecar-" + curl.name()));
    assertTrue(r.out().startsWith(statusLine + "\r\n"), r.out());
  }

  static String egress(String name, String hosts, String port, String protocol, String extra) {
    return """
        kind: Egress
        apiVersion: policy.openservicemesh.io/v1alpha1
        metadata:
          name: %s
          namespace: curl
        spec:
          sources:
          - kind: ServiceAccount
            name: curl
            namespace: curl
        %s  ports:
          - number: %s
            protocol: %s
        %s""".formatted(name, hosts.isEmpty() ? "" : "  hosts:\n  - " + hosts + "\n", port, protocol, extra);
  }

  @Test
  @Order(1)
  void httpEgressIsRefusedThenAllowedByPolicyThenRefusedAgain() throws Exception {
    assertRefused(curl("http://httpbin.org:80/get"));
    MeshLab.awaitTrue("the refusal in the access log", () -> lab.accessLog(curl).contains("\"close_reason\":\"not_mesh\""));

    apply("httpbin-80.yaml", egress("httpbin-80", "httpbin.org", "80", "http", ""));
    MeshLab.Result ok = curl("http://httpbin.org:80/get");
    assertOk(ok, "HTTP/1.1 200 OK");
    assertTrue(ok.out().toLowerCase().contains("content-type: application/json"), ok.out());
    MeshLab.awaitTrue("the policy in the access log",
        () -> lab.accessLog(curl).contains("\"route\":\"Egress curl/httpbin-80\""));

    apply("httpbin-80.yaml", null);
    assertRefused(curl("http://httpbin.org:80/get"));
  }

  @Test
  @Order(2)
  void httpsEgressIsMatchedBySni() throws Exception {
    assertRefused(curl("https://httpbin.org:443/get"));
    apply("httpbin-443.yaml", egress("httpbin-443", "httpbin.org", "443", "https", ""));
    assertOk(curl("https://httpbin.org:443/get"), "HTTP/1.1 200 OK");
    // Another server name on the same port is not allowed by this policy.
    assertRefused(curl("https://openservicemesh.io:443"));
    apply("httpbin-443.yaml", null);
    assertRefused(curl("https://httpbin.org:443/get"));
  }

  @Test
  @Order(3)
  void tcpEgressAllowsAnyHostOnThePort() throws Exception {
    assertRefused(curl("https://openservicemesh.io:443"));
    apply("tcp-443.yaml", egress("tcp-443", "", "443", "tcp", ""));
    assertOk(curl("https://openservicemesh.io:443"), "HTTP/1.1 200 OK");
    assertOk(curl("https://httpbin.org:443/get"), "HTTP/1.1 200 OK");
    apply("tcp-443.yaml", null);
    assertRefused(curl("https://openservicemesh.io:443"));
  }

  @Test
  @Order(4)
  void httpRouteGroupMatchesAndItsChangesApplyWhileThePodRuns() throws Exception {
    assertRefused(curl("http://httpbin.org:80/get"));
    assertRefused(curl("http://httpbin.org:80/status/200"));
    String group = """
        apiVersion: specs.smi-spec.io/v1alpha4
        kind: HTTPRouteGroup
        metadata:
          name: egress-http-route
          namespace: curl
        spec:
          matches:
          - name: get
            pathRegex: /get
        """;
    String policy = egress("httpbin-80", "httpbin.org", "80", "http", """
          matches:
          - apiGroup: specs.smi-spec.io/v1alpha4
            kind: HTTPRouteGroup
            name: egress-http-route
        """);
    apply("routes.yaml", group + "---\n" + policy);
    assertOk(curl("http://httpbin.org:80/get"), "HTTP/1.1 200 OK");
    MeshLab.Result notFound = curl("http://httpbin.org:80/status/200");
    assertEquals(0, notFound.exit(), notFound.err());
    assertTrue(notFound.out().startsWith("HTTP/1.1 404 Not Found\r\n"), notFound.out());

    apply("routes.yaml", group + """
          - name: status
            pathRegex: /status.*
        ---
        """ + policy);
    assertOk(curl("http://httpbin.org:80/status/200"), "HTTP/1.1 200 OK");
    apply("routes.yaml", null);
  }

  @Test
  @Order(5)
  void tcpServerFirstGetsTheBannerWithoutSendingAByte() throws Exception {
    String recv = "ncat -w 5 -i 2 --recv-only " + Internet.SERVER_FIRST + " " + Internet.SERVER_FIRST_PORT;
    MeshLab.Result refused = lab.app(curl, recv);
    assertEquals("", refused.out());
    apply("mysql.yaml", egress("mysql", "", Integer.toString(Internet.SERVER_FIRST_PORT), "tcp-server-first", ""));
    MeshLab.Result banner = lab.app(curl, recv);
    assertTrue(banner.out().startsWith(Internet.BANNER), banner.out() + banner.err());
    apply("mysql.yaml", null);
  }

  @Test
  @Order(6)
  void meshWidePassthroughForwardsAnyTcpAsItIsAndCanBeTurnedOff() throws Exception {
    assertRefused(curl("http://httpbin.org:80/get"));
    String before = lab.digest(curl);
    meshConfig(true);
    MeshLab.awaitTrue("passthrough on", () -> !lab.digest(curl).equals(before));
    assertOk(curl("http://httpbin.org:80/get"), "HTTP/1.1 200 OK");
    assertOk(curl("https://openservicemesh.io:443"), "HTTP/1.1 200 OK");
    MeshLab.Result banner = lab.app(curl, "ncat -w 5 -i 2 --recv-only " + Internet.SERVER_FIRST + " "
        + Internet.SERVER_FIRST_PORT);
    assertTrue(banner.out().startsWith(Internet.BANNER), banner.out() + banner.err());
    MeshLab.awaitTrue("passthrough in the access log",
        () -> lab.accessLog(curl).contains("egress passthrough (MeshConfig enableEgress)"));

    String on = lab.digest(curl);
    meshConfig(false);
    MeshLab.awaitTrue("passthrough off", () -> !lab.digest(curl).equals(on));
    assertRefused(curl("http://httpbin.org:80/get"));
  }
}
