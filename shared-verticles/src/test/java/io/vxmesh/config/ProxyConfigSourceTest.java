package io.vxmesh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vxmesh.cluster.ClusterOptions;
import io.vxmesh.compile.ProxyIdentity.Role;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which source a process reads the mesh from, and the cluster settings, by role and flags. */
class ProxyConfigSourceTest {

  static JsonObject flags(String extra) {
    JsonObject o = new JsonObject().put("namespace", "ns").put("pod", "p").put("serviceAccount", "sa");
    if (!extra.isBlank()) {
      for (String kv : extra.split(";")) {
        int eq = kv.indexOf('=');
        o.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    return o;
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "GATEWAY | resources=/r                         | DIRECTORY",
      "GATEWAY | kubeconfig=/k                        | KUBERNETES",
      "GATEWAY | inCluster=true                       | KUBERNETES",
      "GATEWAY | resources=/r;inCluster=true          | DIRECTORY",
      "GATEWAY | cluster=true                         | CLUSTER",
      "GATEWAY | cluster=true;kubeconfig=/k           | KUBERNETES",
      "GATEWAY | cluster=true;inCluster=true          | KUBERNETES",
      "SIDECAR | resources=/r                         | DIRECTORY",
      "SIDECAR | inCluster=true                       | KUBERNETES",
      "SIDECAR | cluster=true                         | CLUSTER",
      "SIDECAR | cluster=true;inCluster=true          | CLUSTER",
  })
  void source(Role role, String extra, ProxyConfig.Source expected) {
    ProxyConfig c = ProxyConfig.from(flags(extra), role);
    assertEquals(expected, c.source());
    assertEquals(role == Role.SIDECAR, c.clusterOptions().lite(), "sidecars are lite members");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "GATEWAY | ''                                      | --resources DIR",
      "GATEWAY | resources=/r;kubeconfig=/k              | not both",
      "SIDECAR | cluster=true;resources=/r               | lite member fed by the cluster",
      "SIDECAR | cluster=true;kubeconfig=/k              | lite member fed by the cluster",
      "GATEWAY | cluster=true;clusterPort=0              | --cluster-port",
      "GATEWAY | cluster=true;clusterPort=70000          | --cluster-port",
      "GATEWAY | cluster=true;clusterMembers=10.0.0.1:x  | --cluster-members 10.0.0.1:x",
  })
  void refused(Role role, String extra, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProxyConfig.from(flags(extra), role));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void clusterSettings() {
    ProxyConfig c = ProxyConfig.from(flags("cluster=true;kubeconfig=/k;clusterMembers= 10.0.0.1:5701, 10.0.0.2 ,;"
        + "clusterHost=10.0.0.9;clusterPort=5801;watchNamespaces=a, b"), Role.GATEWAY);
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2"), c.clusterMembers());
    assertEquals(List.of("a", "b"), c.watchNamespaces());
    ClusterOptions o = c.clusterOptions();
    assertEquals("10.0.0.9", o.host());
    assertEquals(5801, o.port());
    assertEquals(ClusterOptions.DEFAULT_DNS, o.dns());

    ProxyConfig d = ProxyConfig.from(flags("cluster=true;kubeconfig=/k"), Role.GATEWAY);
    assertEquals(ClusterOptions.DEFAULT_PORT, d.clusterPort());
    assertEquals(List.of(), d.watchNamespaces(), "all namespaces");
    assertEquals(null, d.clusterOptions().host());
  }
}
