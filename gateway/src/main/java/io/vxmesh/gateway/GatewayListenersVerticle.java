package io.vxmesh.gateway;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vxmesh.common.Addresses;
import io.vxmesh.compile.ProxyTable;
import io.vxmesh.proxy.ListenerRole;
import io.vxmesh.proxy.ListenerVerticle;
import io.vxmesh.proxy.ProxyRuntime;
import io.vxmesh.proxy.TableRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * Keeps one listener per TCP port that the Gateways selecting this pod declare: opens ports that
 * appear, drains and closes ports that go away, leaves the others alone (so a configuration change
 * never touches an open connection). A port that cannot be bound is reported and retried.
 */
public final class GatewayListenersVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(GatewayListenersVerticle.class.getName());
  public static final String READY_CONDITION = "listeners";
  private static final long RETRY_MS = 5_000;

  private final ProxyRuntime rt;
  private final String address;
  private final int instances;
  private final Map<Integer, String> deployed = new TreeMap<>();
  private final Map<Integer, List<ListenerVerticle>> verticles = new TreeMap<>();
  private Future<Void> tail = Future.succeededFuture();
  private long retryTimer = -1;

  public GatewayListenersVerticle(ProxyRuntime rt, String address, int instances) {
    this.rt = rt;
    this.address = address;
    this.instances = instances;
  }

  @Override
  public Future<?> start() {
    rt.readiness().require(READY_CONDITION, "listeners not bound yet");
    return vertx.eventBus().<TableRef.Applied>localConsumer(Addresses.TABLE, msg -> reconcileLater())
        .completion();
  }

  /** The ports bound now and their actual port numbers (tests listen on declared ports). */
  public Set<Integer> boundPorts() {
    return Set.copyOf(deployed.keySet());
  }

  private void reconcileLater() {
    tail = tail.transform(ignored -> reconcile());
  }

  private Future<Void> reconcile() {
    ProxyTable table = rt.tables().table();
    Set<Integer> wanted = new TreeSet<>();
    for (ProxyTable.Listener l : table.listeners()) {
      wanted.add(l.port());
    }
    List<Future<?>> work = new ArrayList<>();
    for (Integer port : List.copyOf(deployed.keySet())) {
      if (!wanted.contains(port)) {
        String id = deployed.remove(port);
        verticles.remove(port);
        LOG.info("closing listener " + address + ":" + port + " (no Gateway of this pod declares it now);"
            + " open connections drain for up to " + rt.drainTimeout().toSeconds() + "s");
        work.add(vertx.undeploy(id));
      }
    }
    List<Integer> failed = new ArrayList<>();
    for (Integer port : wanted) {
      if (deployed.containsKey(port)) {
        continue;
      }
      List<ListenerVerticle> created = new ArrayList<>();
      Future<String> f = vertx.deployVerticle(() -> {
        ListenerVerticle v = new ListenerVerticle(rt, "gateway:" + port, address, port, ListenerRole.gateway());
        synchronized (created) {
          created.add(v);
        }
        return v;
      }, new DeploymentOptions().setInstances(instances));
      work.add(f.onSuccess(id -> {
        deployed.put(port, id);
        verticles.put(port, created);
        LOG.info("listening on " + address + ":" + port + " for Gateway "
            + table.listeners().stream().filter(l -> l.port() == port).findFirst()
                .map(ProxyTable.Listener::gateways).orElse(List.of()));
      }).onFailure(e -> {
        failed.add(port);
        LOG.severe("cannot listen on " + address + ":" + port + ": " + e.getMessage() + "; retrying in "
            + RETRY_MS / 1000 + "s");
      }));
    }
    return Future.join(work).transform(ar -> {
      if (failed.isEmpty()) {
        rt.readiness().met(READY_CONDITION);
      } else {
        rt.readiness().unmet(READY_CONDITION, "cannot bind " + address + ":" + failed);
        if (retryTimer < 0) {
          retryTimer = vertx.setTimer(RETRY_MS, id -> {
            retryTimer = -1;
            reconcileLater();
          });
        }
      }
      return Future.<Void>succeededFuture();
    });
  }
}
