package io.vxmesh.discovery.kubernetes;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import io.vertx.servicediscovery.ServiceDiscoveryOptions;
import io.vertx.servicediscovery.Status;
import io.vertx.servicediscovery.types.HttpEndpoint;
import io.vxmesh.common.Addresses;
import io.vxmesh.common.LocalCodec;
import io.vxmesh.compile.CompiledMesh;
import io.vxmesh.compile.PortProtocol;
import io.vxmesh.policy.VersionedMesh;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Where the Vert.x service discovery serves: it publishes the mesh's Services as service-discovery
 * records, so other Vert.x applications (on the same clustered Vert.x, whose record store is a
 * cluster map) find them with {@code ServiceDiscovery.getRecords}. One record per Service port:
 * name {@code host:port}, type {@code http-endpoint} for HTTP ports and {@code tcp-endpoint}
 * otherwise, located at the Service's virtual IP, status UP while it has ready endpoints. The
 * records follow every compiled version (published, updated, withdrawn). It reads compiled meshes
 * only: the watch of the API that feeds the compiler is fabric8's (see the README for why).
 * Run it on one member only (the leader, in a cluster).
 */
public final class ServiceRecordsVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(ServiceRecordsVerticle.class.getName());

  public static final String TCP_TYPE = "tcp-endpoint";
  /** Address on which the service discovery announces record changes. */
  public static final String ANNOUNCE_ADDRESS = "vxmesh.service-records.announce";

  private ServiceDiscovery discovery;
  private final Map<String, Record> published = new TreeMap<>();
  private Future<Void> tail = Future.succeededFuture();

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx, VersionedMesh.class);
    discovery = ServiceDiscovery.create(vertx, new ServiceDiscoveryOptions().setName("vxmesh")
        .setAnnounceAddress(ANNOUNCE_ADDRESS));
    // Records a previous publisher left behind (a leader that crashed never unpublished them, and in
    // a cluster they live in a cluster map) go first; this one publishes the mesh's again.
    return discovery.getRecords(r -> "vxmesh".equals(r.getMetadata().getString("mesh")), true)
        .compose(stale -> {
          List<Future<Void>> gone = new ArrayList<>();
          for (Record r : stale) {
            gone.add(discovery.unpublish(r.getRegistration()).otherwiseEmpty());
          }
          if (!stale.isEmpty()) {
            LOG.info("removed " + stale.size() + " service record(s) left by an earlier publisher");
          }
          return Future.join(gone).<Void>mapEmpty().otherwiseEmpty();
        })
        .otherwiseEmpty()
        .compose(v -> vertx.eventBus().<VersionedMesh>localConsumer(Addresses.MESH, msg -> {
          VersionedMesh vm = msg.body();
          tail = tail.transform(x -> sync(records(vm.mesh())).otherwiseEmpty());
        }).completion());
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> all = new ArrayList<>();
    for (Record r : published.values()) {
      all.add(discovery.unpublish(r.getRegistration()).otherwiseEmpty());
    }
    return Future.join(all).otherwiseEmpty().andThen(x -> discovery.close());
  }

  /** The records a mesh gives, by name. Pure. */
  public static Map<String, Record> records(CompiledMesh mesh) {
    Map<String, Record> out = new TreeMap<>();
    for (CompiledMesh.ServiceEntry s : mesh.services()) {
      String address = s.vips().isEmpty() ? s.host() : s.vips().get(0).toString();
      for (CompiledMesh.PortEntry p : s.ports()) {
        String name = s.host() + ":" + p.port();
        boolean http = p.protocol() == PortProtocol.HTTP || p.protocol() == PortProtocol.HTTP2
            || p.protocol() == PortProtocol.GRPC;
        Record r = http
            ? HttpEndpoint.createRecord(name, address, p.port(), "/")
            : new Record().setName(name).setType(TCP_TYPE)
                .setLocation(new JsonObject().put("host", address).put("port", p.port()));
        r.setMetadata(new JsonObject()
            .put("mesh", "vxmesh")
            .put("namespace", s.namespace())
            .put("service", s.name())
            .put("host", s.host())
            .put("portName", p.name())
            .put("protocol", p.protocol().wire())
            .put("endpoints", p.endpoints().size()));
        r.setStatus(p.endpoints().isEmpty() && !s.headless() ? Status.DOWN : Status.UP);
        out.put(name, r);
      }
    }
    return out;
  }

  private static boolean same(Record a, Record b) {
    return a.getType().equals(b.getType()) && a.getLocation().equals(b.getLocation())
        && a.getMetadata().equals(b.getMetadata()) && a.getStatus() == b.getStatus();
  }

  private Future<Void> sync(Map<String, Record> desired) {
    List<Future<?>> ops = new ArrayList<>();
    for (String name : List.copyOf(published.keySet())) {
      if (!desired.containsKey(name)) {
        Record old = published.remove(name);
        ops.add(discovery.unpublish(old.getRegistration()));
      }
    }
    for (Map.Entry<String, Record> e : desired.entrySet()) {
      Record old = published.get(e.getKey());
      Record next = e.getValue();
      if (old == null) {
        ops.add(discovery.publish(next).onSuccess(r -> published.put(e.getKey(), r)));
      } else if (!same(old, next)) {
        next.setRegistration(old.getRegistration());
        ops.add(discovery.update(next).onSuccess(r -> published.put(e.getKey(), r)));
      }
    }
    return Future.join(ops).<Void>mapEmpty()
        .onFailure(e -> LOG.warning("cannot publish every service record: " + e.getMessage()));
  }
}
