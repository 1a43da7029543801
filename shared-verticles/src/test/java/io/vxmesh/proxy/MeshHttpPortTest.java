package io.vxmesh.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.compile.ProxyIdentity;
import io.vxmesh.testing.EchoServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * In-mesh ports by protocol (MISSION section 2): a port without appProtocol whose name is not a
 * known protocol is HTTP, as in OSM: raw bytes sent to it are answered 400 and never relayed; an
 * HTTP request is relayed. {@code appProtocol: tcp} ports are opaque: any bytes are relayed.
 */
class MeshHttpPortTest {

  static final ProxyIdentity CLIENT = ProxyIdentity.sidecar("default", "client-1", "client", Map.of("app", "client"));

  static String service(String portYaml, int backendPort) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: default}
        spec:
          clusterIP: 127.0.0.1
          ports: [%s]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}
        addressType: IPv4
        ports: [{name: web, port: %d}]
        endpoints: [{addresses: [127.0.0.1]}]
        """.formatted(portYaml, backendPort);
  }

  static String exchange(int port, String bytes) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(5_000);
      s.getOutputStream().write(bytes.getBytes(StandardCharsets.US_ASCII));
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void rawBytesOnAnHttpPortGet400() throws Exception {
    try (EchoServer backend = EchoServer.lines("127.0.0.1", "hello");
         EgressHarness proxy = new EgressHarness(CLIENT, 8080,
             service("{name: web, port: 8080, targetPort: 9}", backend.port()))) {
      String answer = exchange(proxy.port, "test\n");
      assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
      assertEquals(CloseReason.BAD_REQUEST, proxy.awaitRecord(1).closeReason());
      // An HTTP request is relayed (the echo backend answers its first line).
      String http = exchange(proxy.port, "GET / HTTP/1.1\r\nHost: web\r\n\r\n");
      assertTrue(http.startsWith("hello GET / HTTP/1.1"), http);
    }
  }

  @Test
  void appProtocolTcpIsOpaque() throws Exception {
    try (EchoServer backend = EchoServer.lines("127.0.0.1", "hello");
         EgressHarness proxy = new EgressHarness(CLIENT, 8080,
             service("{name: web, port: 8080, targetPort: 9, appProtocol: tcp}", backend.port()))) {
      assertEquals("hello test\n", exchange(proxy.port, "test\n"));
    }
  }
}
