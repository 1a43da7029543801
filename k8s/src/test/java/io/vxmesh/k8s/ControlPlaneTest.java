package io.vxmesh.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxmesh.gateway.inject.InjectionWebhookVerticle;
import io.vxmesh.model.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the issue asks of k8s/install, checked field by field: least-privilege RBAC covering every
 * kind discovery reads, restricted security contexts, probes on the admin endpoints, resources, the
 * gateways' labels and port, and a webhook configuration that matches the verticle and can never
 * block the control plane.
 */
class ControlPlaneTest {
  static final List<K8sManifests.Doc> INSTALL = K8sManifests.read(K8sManifests.files(K8sManifests.INSTALL));

  static List<K8sManifests.Doc> ofKind(String kind) {
    return INSTALL.stream().filter(d -> d.kind().equals(kind)).toList();
  }

  @Test
  void rbacOnlyReadsAndCoversEveryKindDiscoveryWatches() {
    List<K8sManifests.Doc> roles = ofKind("ClusterRole");
    assertEquals(1, roles.size());
    JsonArray rules = roles.getFirst().object().getJsonArray("rules");
    List<String> problems = new ArrayList<>();
    for (Object o : rules) {
      JsonObject r = (JsonObject) o;
      if (!Set.of("get", "list", "watch").containsAll(r.getJsonArray("verbs").getList())) {
        problems.add("a rule grants more than get/list/watch: " + r);
      }
      if (r.getJsonArray("resources").contains("*") || r.getJsonArray("apiGroups").contains("*")) {
        problems.add("a wildcard rule: " + r);
      }
    }
    for (Kind k : Kind.values()) {
      String plural = k.kindName().toLowerCase(Locale.ROOT) + (k.kindName().endsWith("s") ? "es" : "s");
      boolean granted = rules.stream().map(o -> (JsonObject) o).anyMatch(r ->
          r.getJsonArray("apiGroups").contains(k.group()) && r.getJsonArray("resources").contains(plural));
      if (!granted) {
        problems.add("no rule lets discovery watch " + plural + " (" + k.group() + ")");
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void gatewaysRunRestrictedWithProbesAndResources() {
    List<K8sManifests.Doc> deployments = ofKind("Deployment");
    assertEquals(List.of("ingressgateway-1", "ingressgateway-2"), deployments.stream().map(K8sManifests.Doc::name).toList());
    List<String> problems = new ArrayList<>();
    for (K8sManifests.Doc d : deployments) {
      JsonObject template = d.object().getJsonObject("spec").getJsonObject("template");
      JsonObject pod = template.getJsonObject("spec");
      String w = d.name();
      if (!d.name().equals(template.getJsonObject("metadata").getJsonObject("labels").getString("istio"))) {
        problems.add(w + ": pod label istio must be the gateway's name");
      }
      JsonObject psc = pod.getJsonObject("securityContext");
      if (!Boolean.TRUE.equals(psc.getBoolean("runAsNonRoot")) || !"RuntimeDefault".equals(psc.getJsonObject("seccompProfile").getString("type"))) {
        problems.add(w + ": pod must run as non-root with the RuntimeDefault seccomp profile");
      }
      for (Object o : pod.getJsonArray("containers")) {
        JsonObject c = (JsonObject) o;
        JsonObject sc = c.getJsonObject("securityContext");
        if (!Boolean.FALSE.equals(sc.getBoolean("allowPrivilegeEscalation")) || !Boolean.TRUE.equals(sc.getBoolean("readOnlyRootFilesystem"))
            || !new JsonArray().add("ALL").equals(sc.getJsonObject("capabilities").getJsonArray("drop"))
            || sc.getJsonObject("capabilities").containsKey("add")) {
          problems.add(w + "/" + c.getString("name") + ": not a restricted security context");
        }
        JsonObject res = c.getJsonObject("resources");
        for (String kind : List.of("requests", "limits")) {
          JsonObject r = res.getJsonObject(kind);
          if (r == null || !r.containsKey("cpu") || !r.containsKey("memory")) {
            problems.add(w + "/" + c.getString("name") + ": " + kind + " need cpu and memory");
          }
        }
        if (!"/ready".equals(c.getJsonObject("readinessProbe").getJsonObject("httpGet").getString("path"))) {
          problems.add(w + ": the readiness probe must be the admin /ready");
        }
        if (c.getJsonArray("ports").stream().noneMatch(p -> ((JsonObject) p).getInteger("containerPort") == 19000)) {
          problems.add(w + ": no container port 19000");
        }
        List<Object> args = c.getJsonArray("args").getList();
        if (!args.contains("0.0.0.0:15000")) {
          problems.add(w + ": admin must listen where the kubelet can probe it");
        }
      }
    }
    assertEquals(List.of(), problems);
    assertEquals(2, ofKind("PodDisruptionBudget").size());
  }

  @Test
  void theClusterServiceIsTheHeadlessServiceTheFlagsName() {
    K8sManifests.Doc svc = ofKind("Service").stream().filter(d -> d.name().equals("vxmesh-cluster")).findFirst().orElseThrow();
    assertEquals("vxmesh-system", svc.namespace());
    JsonObject spec = svc.object().getJsonObject("spec");
    assertEquals("None", spec.getString("clusterIP"));
    assertEquals(Boolean.TRUE, spec.getBoolean("publishNotReadyAddresses"));
    assertEquals(5701, spec.getJsonArray("ports").getJsonObject(0).getInteger("port"));
  }

  @Test
  void theWebhookMatchesTheVerticleAndSparesTheControlPlane() {
    K8sManifests.Doc config = ofKind("MutatingWebhookConfiguration").getFirst();
    K8sManifests.Doc svc = ofKind("Service").stream().filter(d -> d.name().equals("vxmesh-injector")).findFirst().orElseThrow();
    int servicePort = svc.object().getJsonObject("spec").getJsonArray("ports").getJsonObject(0).getInteger("port");
    int targetPort = svc.object().getJsonObject("spec").getJsonArray("ports").getJsonObject(0).getInteger("targetPort");
    List<String> problems = new ArrayList<>();
    for (Object o : config.object().getJsonArray("webhooks")) {
      JsonObject w = (JsonObject) o;
      JsonObject service = w.getJsonObject("clientConfig").getJsonObject("service");
      if (!InjectionWebhookVerticle.PATH.equals(service.getString("path")) || service.getInteger("port") != servicePort
          || !service.getString("name").equals(svc.name())) {
        problems.add(w.getString("name") + ": clientConfig does not reach the verticle");
      }
      if (!w.getJsonArray("admissionReviewVersions").equals(new JsonArray().add("v1"))) {
        problems.add(w.getString("name") + ": only admission.k8s.io/v1 is served");
      }
      boolean spares = w.getJsonObject("namespaceSelector").getJsonArray("matchExpressions").stream()
          .map(e -> (JsonObject) e)
          .anyMatch(e -> e.getString("key").equals("kubernetes.io/metadata.name") && e.getString("operator").equals("NotIn")
              && e.getJsonArray("values").getList().containsAll(List.of("vxmesh-system", "kube-system")));
      if (!spares) {
        problems.add(w.getString("name") + ": must exclude vxmesh-system and kube-system");
      }
      if (!"None".equals(w.getString("sideEffects"))) {
        problems.add(w.getString("name") + ": sideEffects must be None (dry-run requests are answered)");
      }
    }
    assertEquals(List.of(), problems);
    assertTrue(config.metadata().getJsonObject("annotations").getString("cert-manager.io/inject-ca-from")
        .equals("vxmesh-system/vxmesh-injector"));
    // The gateways listen for the webhook on the Service's target port.
    for (K8sManifests.Doc d : ofKind("Deployment")) {
      List<Object> args = d.object().getJsonObject("spec").getJsonObject("template").getJsonObject("spec")
          .getJsonArray("containers").getJsonObject(0).getJsonArray("args").getList();
      assertEquals("0.0.0.0:" + targetPort, args.get(args.indexOf("--injector") + 1), d.name());
    }
  }
}
