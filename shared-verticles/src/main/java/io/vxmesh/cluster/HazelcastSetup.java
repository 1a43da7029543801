package io.vxmesh.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Hazelcast configuration of a vxmesh member and the clustered Vert.x built on it. Starts
 * from the Vert.x cluster manager's defaults (the maps it needs), then: multicast and auto
 * detection off, no phone-home, a fast failure detector (a dead member is noticed within
 * {@value #MAX_NO_HEARTBEAT_SECONDS} s, so a new leader takes over within 5 s), quick joins and
 * split-brain merges, and the member bound where the flags say.
 */
public final class HazelcastSetup {
  public static final int HEARTBEAT_SECONDS = 1;
  public static final int MAX_NO_HEARTBEAT_SECONDS = 4;
  public static final int JOIN_CONNECT_TIMEOUT_SECONDS = 2;
  public static final int MERGE_DELAY_SECONDS = 5;
  private static final Logger LOG = Logger.getLogger(HazelcastSetup.class.getName());

  private HazelcastSetup() {}

  public static Config config(ClusterOptions o) {
    Config c = ConfigUtil.loadConfig();
    c.setClusterName(ClusterOptions.CLUSTER_NAME);
    c.setLiteMember(o.lite());
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.logging.type", "jdk");
    c.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(HEARTBEAT_SECONDS));
    c.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(MAX_NO_HEARTBEAT_SECONDS));
    c.setProperty("hazelcast.wait.seconds.before.join", "1");
    c.setProperty("hazelcast.max.wait.seconds.before.join", "3");
    c.setProperty("hazelcast.merge.first.run.delay.seconds", Integer.toString(MERGE_DELAY_SECONDS));
    c.setProperty("hazelcast.merge.next.run.delay.seconds", Integer.toString(MERGE_DELAY_SECONDS));
    c.setProperty("hazelcast.graceful.shutdown.max.wait", "10");
    c.getJetConfig().setEnabled(false);

    NetworkConfig net = c.getNetworkConfig();
    net.setPort(o.port()).setPortAutoIncrement(false);
    if (o.host() != null) {
      c.setProperty("hazelcast.socket.bind.any", "false");
      net.getInterfaces().setEnabled(true).setInterfaces(List.of(o.host()));
    }
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (!o.members().isEmpty()) {
      List<String> members = new ArrayList<>();
      for (String m : o.members()) {
        members.add(m.contains(":") ? m : m + ":" + ClusterOptions.DEFAULT_PORT);
      }
      join.getTcpIpConfig().setEnabled(true).setMembers(members)
          .setConnectionTimeoutSeconds(JOIN_CONNECT_TIMEOUT_SECONDS);
    } else {
      // DNS lookup mode: resolves the headless Service; never calls the Kubernetes API.
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", o.dns())
          .setProperty("service-port", Integer.toString(o.port()))
          .setProperty("service-dns-timeout", "5");
    }
    return c;
  }

  /**
   * A clustered Vert.x joined through Hazelcast, on {@code transport} (the proxy's choice, see
   * io.vxmesh.cli.TransportChoice); the clustered event bus binds on the member's host.
   */
  public static Future<Vertx> start(VertxOptions options, Transport transport, ClusterOptions o) {
    quietHazelcast();
    HazelcastClusterManager manager = new HazelcastClusterManager(config(o));
    if (o.host() != null) {
      options.getEventBusOptions().setHost(o.host()).setClusterPublicHost(o.host());
    }
    options.getEventBusOptions().setPort(o.busPort());
    return Vertx.builder().with(options).withTransport(transport).withClusterManager(manager).buildClustered()
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot join the cluster (port " + o.port()
            + (o.members().isEmpty() ? ", DNS " + o.dns() : ", members " + String.join(",", o.members()))
            + "): " + e.getMessage(), e)));
  }

  /**
   * Joins, blocking the calling thread (never an event loop). A data member (gateway) builds the
   * clustered Vert.x directly. A lite member (sidecar) cannot start Vert.x while no data member
   * exists (Vert.x writes to cluster maps at once): it starts its Hazelcast member first, waits for
   * a data member to join it (without leaving and rejoining, which would disturb the gateways'
   * joins), and then builds Vert.x on that member.
   */
  public static Vertx join(java.util.function.Supplier<VertxOptions> options, Transport transport, ClusterOptions o)
      throws Exception {
    if (!o.lite()) {
      return start(options.get(), transport, o).await();
    }
    quietHazelcast();
    Config c = config(o);
    c.setProperty("hazelcast.shutdownhook.enabled", "false"); // Vert.x closes first, then we shut it down
    c.getMemberAttributeConfig().setAttribute(VERTX_NODE_ID, java.util.UUID.randomUUID().toString());
    com.hazelcast.core.HazelcastInstance hz = com.hazelcast.core.Hazelcast.newHazelcastInstance(c);
    try {
      awaitDataMember(hz);
      VertxOptions vo = options.get();
      String host = o.host() != null ? o.host() : hz.getCluster().getLocalMember().getAddress().getHost();
      vo.getEventBusOptions().setHost(host).setClusterPublicHost(host).setPort(o.busPort());
      return Vertx.builder().with(vo).withTransport(transport).withClusterManager(new OwningClusterManager(hz))
          .buildClustered().await();
    } catch (Exception e) {
      hz.getLifecycleService().shutdown();
      throw new IllegalStateException("cannot join the cluster (port " + o.port() + "): " + e.getMessage(), e);
    }
  }

  /** The attribute through which the Vert.x cluster manager finds its node id on a member it did not start. */
  static final String VERTX_NODE_ID = "__vertx.nodeId";

  private static void awaitDataMember(com.hazelcast.core.HazelcastInstance hz) throws InterruptedException {
    java.util.concurrent.CountDownLatch found = new java.util.concurrent.CountDownLatch(1);
    java.util.UUID id = hz.getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
      @Override
      public void memberAdded(com.hazelcast.cluster.MembershipEvent e) {
        if (!e.getMember().isLiteMember()) {
          found.countDown();
        }
      }

      @Override
      public void memberRemoved(com.hazelcast.cluster.MembershipEvent e) {
        // waiting for an addition only
      }
    });
    try {
      if (hz.getCluster().getMembers().stream().anyMatch(m -> !m.isLiteMember())) {
        return;
      }
      LOG.warning("no gateway (data member) of the cluster is reachable yet; this sidecar waits for one");
      found.await();
      LOG.info("a gateway joined the cluster; starting");
    } finally {
      hz.getCluster().removeMembershipListener(id);
    }
  }

  /** The Vert.x cluster manager on a member started here, shut down once Vert.x has left. */
  static final class OwningClusterManager extends HazelcastClusterManager {
    private final com.hazelcast.core.HazelcastInstance instance;

    OwningClusterManager(com.hazelcast.core.HazelcastInstance instance) {
      super(instance);
      this.instance = instance;
    }

    @Override
    public void leave(io.vertx.core.Completable<Void> done) {
      super.leave((v, failure) -> Thread.ofPlatform().name("vxmesh-cluster-leave").start(() -> {
        try {
          instance.getLifecycleService().shutdown();
        } finally {
          done.complete(null, failure);
        }
      }));
    }
  }

  /** Hazelcast's INFO lines (banners, partition tables) are not a proxy's log. */
  private static void quietHazelcast() {
    Logger.getLogger("com.hazelcast").setLevel(Level.parse(System.getProperty("vxmesh.hazelcast.log", "WARNING")));
  }
}
