package io.vxmesh.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vxmesh.common.IpAddress;
import io.vxmesh.compile.CompiledMesh;
import io.vxmesh.compile.ConnectionFacts;
import io.vxmesh.compile.Decision;
import io.vxmesh.compile.EgressTable;
import io.vxmesh.compile.MeshJson;
import io.vxmesh.compile.ProxyIdentity;
import io.vxmesh.compile.ProxyTable;
import io.vxmesh.compile.Target;
import io.vxmesh.proxy.ProxyRuntime;
import io.vxmesh.proxy.TableRef;
import io.vxmesh.resource.Finding;

/**
 * The admin endpoint (loopback by default, as Envoy's): {@code /ready}, {@code /config_dump},
 * {@code /stats/prometheus}, and {@code /explain} which answers "where would a connection to
 * this destination go, and why" from the table in force.
 */
public final class AdminVerticle extends VerticleBase {

  private final ProxyRuntime rt;
  private final String host;
  private final int port;
  private HttpServer server;

  public AdminVerticle(ProxyRuntime rt, String host, int port) {
    this.rt = rt;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setIdleTimeout(60))
        .requestHandler(this::handle);
    return server.listen();
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      req.response().setStatusCode(405).putHeader("allow", "GET").end("only GET\n");
      return;
    }
    switch (req.path()) {
      case "/ready" -> ready(req);
      case "/config_dump" -> configDump(req);
      case "/stats/prometheus" -> req.response()
          .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
          .end(rt.metrics().scrape());
      case "/explain" -> explain(req);
      case "/" -> req.response().putHeader("content-type", "text/plain; charset=utf-8").end("""
          vxmesh admin
            /ready             200 once the configuration is applied and listeners are bound
            /config_dump       the compiled table in force, with its version and findings
            /stats/prometheus  metrics
            /explain?port=P[&destination=IP]   how a connection would be routed now
          """);
      default -> req.response().setStatusCode(404).end("not found: " + req.path() + "\n");
    }
  }

  private void ready(HttpServerRequest req) {
    if (rt.readiness().isReady()) {
      req.response().putHeader("content-type", "text/plain").end("ready " + rt.tables().applied().version() + "\n");
    } else {
      StringBuilder sb = new StringBuilder("not ready\n");
      rt.readiness().pending().forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
      req.response().setStatusCode(503).putHeader("content-type", "text/plain").end(sb.toString());
    }
  }

  private void configDump(HttpServerRequest req) {
    TableRef.Applied applied = rt.tables().applied();
    ObjectNode root = MeshJson.mapper().createObjectNode();
    root.put("version", applied.version());
    root.put("generation", applied.generation());
    ProxyTable table = applied.table();
    root.put("table_version", table.version());
    root.set("table", MeshJson.table(table));
    ArrayNode findings = root.putArray("findings");
    if (applied.mesh() != null) {
      CompiledMesh mesh = applied.mesh().mesh();
      for (Finding f : mesh.findings()) {
        findings.add(f.format());
      }
      if ("mesh".equals(req.getParam("include"))) {
        root.set("mesh", MeshJson.toTree(mesh));
      }
    }
    req.response().putHeader("content-type", "application/json").end(MeshJson.toPrettyJson(root));
  }

  private void explain(HttpServerRequest req) {
    ProxyTable table = rt.tables().table();
    String portParam = req.getParam("port");
    String dstParam = req.getParam("destination");
    int p;
    try {
      p = Integer.parseInt(portParam == null ? "" : portParam);
    } catch (NumberFormatException e) {
      req.response().setStatusCode(400).end("port=N is required\n");
      return;
    }
    IpAddress dst = dstParam == null ? IpAddress.parse("0.0.0.0") : IpAddress.parseOrNull(dstParam);
    if (dst == null) {
      req.response().setStatusCode(400).end("destination must be an IP address\n");
      return;
    }
    ConnectionFacts facts = new ConnectionFacts(p, dst, p);
    String sni = req.getParam("sni");
    if (sni != null) {
      facts = facts.withTls(ConnectionFacts.Tls.hello(sni.isEmpty() ? null : sni));
    }
    Decision d = table.decide(facts);
    ObjectNode out = MeshJson.mapper().createObjectNode();
    out.put("version", rt.tables().applied().version());
    out.put("role", table.identity().role() == ProxyIdentity.Role.GATEWAY ? "gateway" : "sidecar");
    out.put("destination", dst + ":" + p);
    switch (d) {
      case Decision.Forward f -> {
        out.put("decision", "forward");
        out.put("rule", f.rule() == null ? "default route to the original service" : f.rule().toString());
        ArrayNode targets = out.putArray("targets");
        for (Target t : f.route().targets()) {
          ObjectNode tn = targets.addObject();
          tn.put("destination", t.describe());
          tn.put("weight", t.weight());
          tn.put("share", f.route().totalWeight() == 0 ? 0.0 : (double) t.weight() / f.route().totalWeight());
          tn.put("endpoints", t.endpoints().size());
        }
      }
      case Decision.Passthrough pt -> {
        out.put("decision", "passthrough");
        out.put("why", pt.why());
      }
      case Decision.InspectTls t -> {
        out.put("decision", "inspect_tls");
        out.put("why", t.why() + "; add &sni=NAME to see the decision for a ClientHello naming NAME");
      }
      case Decision.HttpEgress h -> {
        out.put("decision", "http_egress");
        String host = req.getParam("host");
        String path = req.getParam("path", "/");
        String method = req.getParam("method", "GET");
        ArrayNode rules = out.putArray("rules");
        for (EgressTable.Rule r : h.rules()) {
          ObjectNode rn = rules.addObject();
          rn.put("policy", r.policy());
          rn.set("hosts", MeshJson.toTree(r.hosts()));
          rn.put("routes", r.restricted() ? r.routes().toString() : "any request");
        }
        if (host != null) {
          String by = h.allow(host.toLowerCase(java.util.Locale.ROOT), method, path, name -> null);
          String verdict = by == null
              ? "404 Not Found: no Egress rule of port " + p + " allows " + method + " " + host + path
              : "forward to " + Decision.HttpEgress.hostOf(host) + ":" + h.port() + " (" + by + ")";
          out.put("request", method + " " + host + path);
          out.put("verdict", verdict);
        } else {
          out.put("why", "each request is checked; add &host=H&path=P&method=M to see one");
        }
      }
      case Decision.Reject r -> {
        out.put("decision", "reject");
        out.put("reason", r.reason().label());
        out.put("why", r.detail());
      }
    }
    req.response().putHeader("content-type", "application/json").end(MeshJson.toPrettyJson(out));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The admin port default, as OSM and Envoy use. */
  public static final int DEFAULT_PORT = 15000;
}
