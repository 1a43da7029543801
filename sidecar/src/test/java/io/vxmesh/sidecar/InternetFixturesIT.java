package io.vxmesh.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.sidecar.lab.Internet;
import io.vxmesh.sidecar.lab.MeshLab;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The egress tests' internet, reached from an unmeshed pod (no sidecar, no iptables): what the
 * seed's curl transcripts show once egress is allowed, without vxmesh in the way.
 */
class InternetFixturesIT {

  static MeshLab lab;
  static Internet internet;
  static MeshLab.Pod curl;

  @BeforeAll
  static void internet() throws Exception {
    String why = Internet.unavailable();
    Assumptions.assumeTrue(why == null, why);
    lab = new MeshLab();
    internet = Internet.start(lab);
    curl = lab.pod("curl", "curl-54ccc6954c-9rlvp", "curl", Map.of("app", "curl"));
  }

  @AfterAll
  static void teardown() throws Exception {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void httpbinHeadGet() throws Exception {
    MeshLab.Result r = lab.app(curl, "curl -sI http://httpbin.org:80/get");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("HTTP/1.1 200 OK\r\n"), r.out());
    assertTrue(r.out().contains("content-type: application/json\r\n"), r.out());
    assertTrue(r.out().contains("connection: keep-alive\r\n"), r.out());
    assertTrue(r.out().matches("(?s).*content-length: [1-9][0-9]*\r\n.*"), r.out());
  }

  @Test
  void httpbinGetEchoesTheRequest() throws Exception {
    MeshLab.Result r = lab.app(curl, "curl -s -H 'X-Probe: 1' 'http://httpbin.org/get?a=b'");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("\"a\": \"b\""), r.out());
    assertTrue(r.out().contains("\"Host\": \"httpbin.org\""), r.out());
    assertTrue(r.out().contains("\"X-Probe\": \"1\""), r.out());
    assertTrue(r.out().contains("\"origin\": \"" + curl.ip() + "\""), r.out());
    assertTrue(r.out().contains("\"url\": \"http://httpbin.org/get?a=b\""), r.out());
  }

  @Test
  void httpbinStatusAndNotFound() throws Exception {
    String codes = lab.app(curl, "for p in /status/200 /status/418 /status/204 /nothing-here; do"
        + " curl -s -o /dev/null -w '%{http_code} ' http://httpbin.org$p; done").out();
    assertEquals("200 418 204 404 ", codes);
    MeshLab.Result head = lab.app(curl, "curl -sI http://httpbin.org:80/status/200");
    assertTrue(head.out().startsWith("HTTP/1.1 200 OK\r\n"), head.out());
    assertTrue(head.out().contains("content-length: 0\r\n"), head.out());
  }

  /** Several requests on one kept-alive connection (curl reuses it and says so). */
  @Test
  void httpbinKeepsConnectionsAlive() throws Exception {
    MeshLab.Result r = lab.app(curl, "curl -sv -o /dev/null -o /dev/null -o /dev/null"
        + " http://httpbin.org/get http://httpbin.org/status/201 http://httpbin.org/get 2>&1");
    assertTrue(r.out().contains("Re-using existing") || r.out().contains("existing connection"), r.out());
    assertEquals(1, r.out().split("Connected to", -1).length - 1, r.out());
  }

  @Test
  void httpsHostsWithTheLabCa() throws Exception {
    MeshLab.Result httpbin = lab.app(curl, "curl -sI --cacert " + internet.caCert() + " https://httpbin.org:443/get");
    assertEquals(0, httpbin.exit(), httpbin.err() + lab.log("internet-httpbin-443"));
    assertTrue(httpbin.out().startsWith("HTTP/1.1 200 OK\r\n"), httpbin.out());
    assertTrue(httpbin.out().contains("content-type: application/json\r\n"), httpbin.out());
    MeshLab.Result osm = lab.app(curl, "curl -sI --cacert " + internet.caCert() + " https://openservicemesh.io:443");
    assertEquals(0, osm.exit(), osm.err() + lab.log("internet-osm-443"));
    assertTrue(osm.out().startsWith("HTTP/1.1 200 OK\r\n"), osm.out());
  }

  /** Each HTTPS host has its own certificate: asking one address for the other's name fails verification. */
  @Test
  void certificatesNameTheirHost() throws Exception {
    MeshLab.Result wrong = lab.app(curl, "curl -sI --cacert " + internet.caCert()
        + " --resolve openservicemesh.io:443:" + internet.ip(Internet.HTTPBIN) + " https://openservicemesh.io/");
    assertEquals(60, wrong.exit(), "curl: peer certificate cannot be authenticated (60)");
    MeshLab.Result untrusted = lab.app(curl, "curl -sI https://httpbin.org/get");
    assertEquals(60, untrusted.exit(), "without the lab CA the certificate is not trusted");
    MeshLab.Result insecure = lab.app(curl, "curl -skI https://httpbin.org/get");
    assertEquals(0, insecure.exit());
  }

  @Test
  void serverFirstSendsItsBannerBeforeReading() throws Exception {
    // Nothing is sent: the banner must still arrive (ncat -i closes after 2 s of silence).
    MeshLab.Result quiet = lab.app(curl, "ncat -i 2 --recv-only " + Internet.SERVER_FIRST + " " + Internet.SERVER_FIRST_PORT
        + " < /dev/null; true");
    assertEquals(Internet.BANNER + "\r\n", quiet.out(), quiet.err());
    MeshLab.Result echo = lab.app(curl, "printf 'hello\\nworld\\n' | ncat -w 5 -i 2 " + Internet.SERVER_FIRST + " "
        + Internet.SERVER_FIRST_PORT + "; true");
    assertEquals(Internet.BANNER + "\r\nhello\nworld\n", echo.out(), echo.err());
  }

  @Test
  void namesResolveInEveryPod() throws Exception {
    MeshLab.Pod later = lab.pod("other", "later-pod", "later", Map.of("app", "later"));
    for (Map.Entry<String, String> e : internet.names().entrySet()) {
      String line = lab.app(later, "getent hosts " + e.getKey()).out().trim();
      assertTrue(line.startsWith(e.getValue() + " "), e + " -> " + line);
    }
  }
}
