package io.vxmesh.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
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
  static final long JOIN_RETRY_FIRST_MS = 500;
  static final long JOIN_RETRY_MAX_MS = 5_000;
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

  /** A clustered Vert.x joined through Hazelcast; the clustered event bus binds on the member's host. */
  public static Future<Vertx> start(VertxOptions options, ClusterOptions o) {
    quietHazelcast();
    HazelcastClusterManager manager = new HazelcastClusterManager(config(o));
    if (o.host() != null) {
      options.getEventBusOptions().setHost(o.host()).setClusterPublicHost(o.host());
    }
    options.getEventBusOptions().setPort(0);
    return Vertx.builder().with(options).withClusterManager(manager).buildClustered()
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot join the cluster (port " + o.port()
            + (o.members().isEmpty() ? ", DNS " + o.dns() : ", members " + String.join(",", o.members()))
            + "): " + e.getMessage(), e)));
  }

  /**
   * Joins, blocking the calling thread (never an event loop). A lite member (a sidecar) cannot
   * start while no data member (gateway) is reachable: it waits for one, retrying with a capped
   * backoff, instead of failing. Any other failure is thrown.
   */
  public static Vertx join(java.util.function.Supplier<VertxOptions> options, ClusterOptions o) throws Exception {
    long delay = JOIN_RETRY_FIRST_MS;
    boolean told = false;
    while (true) {
      try {
        return start(options.get(), o).await();
      } catch (Exception e) {
        if (!o.lite() || !noDataMember(e)) {
          throw e;
        }
        if (!told) {
          LOG.warning("no gateway (data member) of the cluster is reachable yet; a sidecar waits for one"
              + " (retrying every " + JOIN_RETRY_MAX_MS / 1000 + " s at most)");
          told = true;
        }
        Thread.sleep(delay); // a dedicated thread waits, nothing else
        delay = Math.min(delay * 2, JOIN_RETRY_MAX_MS);
      }
    }
  }

  private static boolean noDataMember(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof com.hazelcast.partition.NoDataMemberInClusterException) {
        return true;
      }
    }
    return false;
  }

  /** Hazelcast's INFO lines (banners, partition tables) are not a proxy's log. */
  private static void quietHazelcast() {
    Logger.getLogger("com.hazelcast").setLevel(Level.parse(System.getProperty("vxmesh.hazelcast.log", "WARNING")));
  }
}
