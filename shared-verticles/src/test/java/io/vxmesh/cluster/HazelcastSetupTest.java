package io.vxmesh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The member configuration the flags give (no member is started here). */
class HazelcastSetupTest {

  @Test
  void memberListJoinsByTcpIpOnly() {
    Config c = HazelcastSetup.config(new ClusterOptions(List.of("127.0.0.1:5801", "127.0.0.2"), "127.0.0.1", 5801,
        null, false));
    JoinConfig join = c.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled(), "multicast off");
    assertFalse(join.getAutoDetectionConfig().isEnabled());
    assertFalse(join.getKubernetesConfig().isEnabled());
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1:5801", "127.0.0.2:5701"), join.getTcpIpConfig().getMembers());
    assertEquals(5801, c.getNetworkConfig().getPort());
    assertFalse(c.getNetworkConfig().isPortAutoIncrement());
    assertEquals(List.of("127.0.0.1"), List.copyOf(c.getNetworkConfig().getInterfaces().getInterfaces()));
    assertFalse(c.isLiteMember());
    assertEquals("vxmesh", c.getClusterName());
    assertEquals("false", c.getProperty("hazelcast.phone.home.enabled"));
    assertEquals(Integer.toString(HazelcastSetup.MAX_NO_HEARTBEAT_SECONDS), c.getProperty("hazelcast.max.no.heartbeat.seconds"));
    assertTrue(c.getMultiMapConfigs().containsKey("__vertx.subs"), "the Vert.x cluster manager's own settings are kept");
  }

  @Test
  void withoutMembersDnsDiscoveryThroughTheHeadlessService() {
    Config c = HazelcastSetup.config(new ClusterOptions(List.of(), null, 5701, "mesh.ns.svc.cluster.local", true));
    JoinConfig join = c.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getTcpIpConfig().isEnabled());
    assertTrue(join.getKubernetesConfig().isEnabled());
    assertEquals("mesh.ns.svc.cluster.local", join.getKubernetesConfig().getProperty("service-dns"));
    assertEquals("5701", join.getKubernetesConfig().getProperty("service-port"));
    assertTrue(c.isLiteMember(), "a sidecar holds no data");
    assertFalse(c.getNetworkConfig().getInterfaces().isEnabled());
  }
}
