package io.vxmesh.gateway.inject;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * {@code admission.k8s.io/v1 AdmissionReview} in, the webhook's answer out; pure. Pods being created
 * get the injector's patch (base64 JSONPatch); anything else (other resources, other operations,
 * sub-resources) is allowed unchanged, so a misconfigured webhook rule never blocks the cluster.
 * A request that is not an AdmissionReview v1 gets HTTP 400 (the API server then applies the
 * webhook's failurePolicy); a pod that cannot be injected is denied with a message naming it.
 */
public final class AdmissionReviews {
  public static final String API_VERSION = "admission.k8s.io/v1";

  /** An HTTP answer: status and JSON body. */
  public record Reply(int status, JsonObject body) {}

  private AdmissionReviews() {}

  public static Reply respond(String body, Injector injector) {
    JsonObject review;
    try {
      review = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      return bad("the request body is not a JSON object: " + firstLine(e.getMessage()));
    }
    if (!API_VERSION.equals(review.getValue("apiVersion")) || !"AdmissionReview".equals(review.getValue("kind"))) {
      return bad("expected apiVersion " + API_VERSION + " kind AdmissionReview, got apiVersion "
          + review.getValue("apiVersion") + " kind " + review.getValue("kind")
          + " (the webhook configuration must list admissionReviewVersions: [v1])");
    }
    if (!(review.getValue("request") instanceof JsonObject request)) {
      return bad("the AdmissionReview has no request object");
    }
    if (!(request.getValue("uid") instanceof String uid) || uid.isEmpty()) {
      return bad("the AdmissionReview request has no uid");
    }
    JsonObject response = new JsonObject().put("uid", uid);
    JsonObject resource = request.getValue("resource") instanceof JsonObject r ? r : new JsonObject();
    boolean pod = "".equals(resource.getValue("group", "")) && "pods".equals(resource.getValue("resource"))
        && request.getValue("subResource") == null;
    if (!pod || !"CREATE".equals(request.getValue("operation"))) {
      return ok(response.put("allowed", true));
    }
    if (!(request.getValue("object") instanceof JsonObject object)) {
      return ok(deny(response, "vxmesh sidecar injection: " + describe(request, new JsonObject())
          + ": the AdmissionReview has no object"));
    }
    Injector.Outcome outcome = injector.inject(object, describe(request, object));
    return switch (outcome) {
      case Injector.Outcome.Patch p -> ok(response.put("allowed", true)
          .put("patchType", "JSONPatch")
          .put("patch", Base64.getEncoder().encodeToString(
              JsonPatch.toJson(p.ops()).encode().getBytes(StandardCharsets.UTF_8))));
      case Injector.Outcome.Skip s -> ok(response.put("allowed", true));
      case Injector.Outcome.Refuse r -> ok(deny(response, "vxmesh sidecar injection: " + r.message()));
    };
  }

  /** {@code Pod ns/name}, or {@code Pod ns/prefix*} for a pod named by generateName. */
  static String describe(JsonObject request, JsonObject object) {
    JsonObject meta = object.getValue("metadata") instanceof JsonObject m ? m : new JsonObject();
    Object ns = request.getValue("namespace") != null ? request.getValue("namespace") : meta.getValue("namespace");
    Object name = meta.getValue("name");
    if (name == null || name.toString().isEmpty()) {
      name = meta.getValue("generateName") == null ? "<no name>" : meta.getValue("generateName") + "*";
    }
    return "Pod " + (ns == null ? "default" : ns) + "/" + name;
  }

  private static JsonObject deny(JsonObject response, String message) {
    return response.put("allowed", false).put("status", new JsonObject()
        .put("status", "Failure").put("reason", "BadRequest").put("code", 400).put("message", message));
  }

  private static Reply ok(JsonObject response) {
    return new Reply(200, new JsonObject().put("apiVersion", API_VERSION).put("kind", "AdmissionReview")
        .put("response", response));
  }

  static Reply bad(String message) {
    return new Reply(400, new JsonObject().put("error", message));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
