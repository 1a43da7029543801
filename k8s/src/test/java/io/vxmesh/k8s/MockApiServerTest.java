package io.vxmesh.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.json.JsonObject;
import io.vxmesh.gateway.inject.InjectionSettings;
import io.vxmesh.gateway.inject.Injector;
import io.vxmesh.gateway.inject.ManifestInjector;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Everything under k8s/ applies to an API server (fabric8's mock in CRUD mode, on loopback), in the
 * order of the install instructions: the CRDs, then k8s/install, then each demo, created or updated as
 * {@code kubectl apply} does, each object read back equal to what was sent. A custom resource is
 * accepted only when a CRD applied before it defines its group, kind and version (as a real API
 * server requires); cert-manager's kinds are the one declared prerequisite. The injected demos
 * ({@code inject -f} output) apply too.
 */
class MockApiServerTest {
  static KubernetesMockServer server;
  static KubernetesClient client;

  /** Kinds from a prerequisite (not defined here): cert-manager. group/kind -> plural. */
  static final Map<String, String> PREREQUISITES = Map.of(
      "cert-manager.io/Issuer", "issuers",
      "cert-manager.io/Certificate", "certificates");

  /** What the API server knows from the CRDs applied so far: group/kind -> (plural, served versions). */
  static final Map<String, Map.Entry<String, Set<String>>> served = new LinkedHashMap<>();

  @BeforeAll
  static void start() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.destroy();
    }
  }

  @Test
  void everythingAppliesInInstallOrder() throws Exception {
    List<String> problems = new ArrayList<>();
    int applied = 0;
    for (K8sManifests.Doc d : K8sManifests.read(K8sManifests.files(K8sManifests.CRDS))) {
      applied += apply(d.object(), d.where(), problems);
    }
    for (K8sManifests.Doc d : K8sManifests.read(K8sManifests.files(K8sManifests.INSTALL))) {
      applied += apply(d.object(), d.where(), problems);
    }
    for (K8sManifests.Doc d : K8sManifests.read(K8sManifests.files(K8sManifests.EXAMPLES))) {
      applied += apply(d.object(), d.where(), problems);
    }
    // The demos with the sidecar injected, as `vxmesh-gateway inject -f FILE | kubectl apply -f -`.
    ManifestInjector injector = new ManifestInjector(new Injector(InjectionSettings.DEFAULTS));
    for (Path f : K8sManifests.files(K8sManifests.EXAMPLES)) {
      ManifestInjector.Result r = injector.inject(f.toString(), Files.readString(f));
      assertEquals(List.of(), r.errors());
      Path tmp = Files.createTempFile("injected", ".yaml");
      try {
        Files.writeString(tmp, r.output());
        for (K8sManifests.Doc d : K8sManifests.read(tmp)) {
          applied += apply(d.object(), "injected " + K8sManifests.K8S.relativize(f) + " " + d.kind() + " " + d.name(), problems);
        }
      } finally {
        Files.delete(tmp);
      }
    }
    assertEquals(List.of(), problems);
    assertEquals(true, applied > 60, "applied " + applied + " objects");
    // Spot checks of what the server now holds.
    assertNotNull(client.apps().deployments().inNamespace("vxmesh-system").withName("ingressgateway-2").get());
    assertEquals("vxmesh-proxy", client.apps().deployments().inNamespace("default").withName("echo-server").get()
        .getSpec().getTemplate().getSpec().getContainers().get(1).getName());
    assertNotNull(client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("vxmesh-sidecar-injector").get());
  }

  /** Creates or updates one object and reads it back; returns 1 when applied, 0 (and a problem) otherwise. */
  private static int apply(JsonObject o, String where, List<String> problems) {
    String apiVersion = o.getString("apiVersion");
    String kind = o.getString("kind");
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    JsonObject meta = o.getJsonObject("metadata");
    try {
      if (kind.equals("CustomResourceDefinition")) {
        JsonObject spec = o.getJsonObject("spec");
        Set<String> versions = new java.util.HashSet<>();
        spec.getJsonArray("versions").forEach(v -> {
          if (((JsonObject) v).getBoolean("served")) {
            versions.add(((JsonObject) v).getString("name"));
          }
        });
        served.put(spec.getString("group") + "/" + spec.getJsonObject("names").getString("kind"),
            Map.entry(spec.getJsonObject("names").getString("plural"), versions));
      }
      HasMetadata typed = client.getKubernetesSerialization().unmarshal(o.encode());
      if (typed instanceof GenericKubernetesResource generic && !group.isEmpty()) {
        String key = group + "/" + kind;
        String plural;
        if (served.containsKey(key)) {
          if (!served.get(key).getValue().contains(version)) {
            problems.add(where + ": the CRD of " + key + " does not serve " + version);
            return 0;
          }
          plural = served.get(key).getKey();
        } else if (PREREQUISITES.containsKey(key)) {
          plural = PREREQUISITES.get(key);
        } else {
          problems.add(where + ": no CRD applied before it defines " + key);
          return 0;
        }
        ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version)
            .withKind(kind).withPlural(plural).withNamespaced(true).build();
        String ns = meta.getString("namespace", "default");
        generic.getMetadata().setNamespace(ns);
        client.genericKubernetesResources(ctx).inNamespace(ns).resource(generic).createOr(NonDeletingOperation::update);
        GenericKubernetesResource back = client.genericKubernetesResources(ctx).inNamespace(ns)
            .withName(meta.getString("name")).get();
        compare(o, new JsonObject(client.getKubernetesSerialization().asJson(back)), where, problems);
      } else {
        if (typed instanceof GenericKubernetesResource) {
          problems.add(where + ": fabric8 does not know the built-in kind " + apiVersion + " " + kind);
          return 0;
        }
        client.resource(typed).createOr(NonDeletingOperation::update);
        HasMetadata back = client.resource(typed).get();
        if (back == null) {
          problems.add(where + ": not found after apply");
          return 0;
        }
        compare(o, new JsonObject(client.getKubernetesSerialization().asJson(back)), where, problems);
      }
      return 1;
    } catch (RuntimeException e) {
      problems.add(where + ": " + e);
      return 0;
    }
  }

  /** What was sent is what the server holds (every field given; the server may add its own metadata). */
  private static void compare(JsonObject sent, JsonObject back, String where, List<String> problems) {
    for (String field : sent.fieldNames()) {
      if (field.equals("metadata")) {
        JsonObject m = sent.getJsonObject("metadata");
        for (String k : List.of("name", "labels", "annotations")) {
          if (m.containsKey(k) && !m.getValue(k).equals(back.getJsonObject("metadata").getValue(k))) {
            problems.add(where + ": metadata." + k + " differs after apply");
          }
        }
      } else if (!java.util.Objects.equals(normalized(sent.getValue(field)), normalized(back.getValue(field)))) {
        problems.add(where + ": " + field + " differs after apply:\n  sent " + sent.getValue(field)
            + "\n  held " + back.getValue(field));
      }
    }
  }

  /** Drops empty objects/lists and nulls, which typed models add or omit (e.g. "selfSigned: {}"). */
  private static Object normalized(Object v) {
    if (v instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      o.forEach(e -> {
        Object n = normalized(e.getValue());
        if (n != null) {
          out.put(e.getKey(), n);
        }
      });
      return out.isEmpty() ? null : out;
    }
    if (v instanceof io.vertx.core.json.JsonArray a) {
      io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
      a.forEach(x -> out.add(normalized(x)));
      return out.isEmpty() ? null : out;
    }
    return v;
  }
}
