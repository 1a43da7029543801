package io.vxmesh.discovery.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import io.vertx.servicediscovery.ServiceDiscoveryOptions;
import io.vertx.servicediscovery.Status;
import io.vxmesh.common.Addresses;
import io.vxmesh.common.LocalCodec;
import io.vxmesh.compile.MeshCompiler;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.policy.VersionedMesh;
import io.vxmesh.resource.ResourceParser;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The mesh's Services as Vert.x service-discovery records, following each compiled version. */
class ServiceRecordsVerticleTest {
  static final String SERVICE = """
      apiVersion: v1
      kind: Service
      metadata: {name: shop, namespace: demo}
      spec:
        selector: {app: shop}
        clusterIP: 10.96.0.10
        ports: [{name: tcp-db, port: 5432, targetPort: 5432}, {name: http, port: 80, targetPort: 8080}]
      """;
  static final String POD = """
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: shop-1, namespace: demo, labels: {app: shop}}
      spec: {serviceAccountName: shop}
      status: {phase: Running, podIP: 10.1.0.7}
      """;

  Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void publish(long generation, String yaml) {
    vertx.eventBus().publish(Addresses.MESH, new VersionedMesh(generation, MeshCompiler.compile(
        new MeshSnapshot(generation, ResourceParser.parse("m.yaml", yaml).resources(), List.of()))));
  }

  private Map<String, Record> await(ServiceDiscovery sd, Predicate<Map<String, Record>> c) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      Map<String, Record> byName = new TreeMap<>();
      for (Record r : sd.getRecords(r -> true, true).await(5, TimeUnit.SECONDS)) {
        byName.put(r.getName(), r);
      }
      if (c.test(byName)) {
        return byName;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out; records now: " + byName.keySet());
      }
      Thread.sleep(20);
    }
  }

  @Test
  void recordsFollowTheMesh() throws Exception {
    LocalCodec.register(vertx, VersionedMesh.class);
    vertx.deployVerticle(new ServiceRecordsVerticle()).await(10, TimeUnit.SECONDS);
    ServiceDiscovery reader = ServiceDiscovery.create(vertx, new ServiceDiscoveryOptions().setName("vxmesh"));

    publish(1, SERVICE + POD);
    Map<String, Record> up = await(reader, m -> m.size() == 2);
    Record db = up.get("shop.demo.svc.cluster.local:5432");
    assertEquals(ServiceRecordsVerticle.TCP_TYPE, db.getType());
    assertEquals("10.96.0.10", db.getLocation().getString("host"));
    assertEquals(5432, db.getLocation().getInteger("port"));
    assertEquals(Status.UP, db.getStatus());
    assertEquals(1, db.getMetadata().getInteger("endpoints"));
    Record web = up.get("shop.demo.svc.cluster.local:80");
    assertEquals("http-endpoint", web.getType());
    assertEquals("demo", web.getMetadata().getString("namespace"));

    publish(2, SERVICE); // the pod went away: still discoverable, but DOWN
    await(reader, m -> m.size() == 2 && m.values().stream().allMatch(r -> r.getStatus() == Status.DOWN));

    publish(3, ""); // the Service was deleted
    Map<String, Record> gone = await(reader, Map::isEmpty);
    assertTrue(gone.isEmpty());
    reader.close();
  }
}
