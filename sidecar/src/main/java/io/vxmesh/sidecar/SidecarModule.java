package io.vxmesh.sidecar;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vxmesh.cli.ProxyLauncher;
import io.vxmesh.compile.ProxyIdentity;
import io.vxmesh.config.ProxyConfig;
import io.vxmesh.proxy.ListenerRole;
import io.vxmesh.proxy.ListenerVerticle;
import io.vxmesh.proxy.ProxyRuntime;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The sidecar's part of a proxy process: the outbound capture listener (original destination from
 * SO_ORIGINAL_DST, routed by the mesh's rules) and the inbound one (authorised, then delivered to
 * the pod). Both listen on every address of the pod's network namespace, as iptables REDIRECT needs.
 */
public final class SidecarModule implements ProxyLauncher.RoleModule {
  private static final Logger LOG = Logger.getLogger(SidecarModule.class.getName());

  /** Listen on all IPv4 and IPv6 addresses (dual stack). */
  static final String ANY = "::";
  static final String ANY_V4 = "0.0.0.0";

  @Override
  public ProxyIdentity.Role role() {
    return ProxyIdentity.Role.SIDECAR;
  }

  @Override
  public Future<?> deploy(Vertx vertx, ProxyRuntime rt, ProxyConfig cfg) {
    Set<Integer> own = Set.of(cfg.outboundPort(), cfg.inboundPort(), cfg.adminPort());
    ListenerRole outbound = ListenerRole.outbound(own);
    ListenerRole inbound = ListenerRole.inbound(own, cfg.inboundToLocalhost());
    return listen(vertx, rt, cfg, "outbound", cfg.outboundPort(), outbound)
        .compose(v -> listen(vertx, rt, cfg, "inbound", cfg.inboundPort(), inbound));
  }

  private static Future<String> listen(Vertx vertx, ProxyRuntime rt, ProxyConfig cfg, String name, int port,
      ListenerRole role) {
    DeploymentOptions opts = new DeploymentOptions().setInstances(cfg.eventLoops());
    return vertx.deployVerticle(() -> new ListenerVerticle(rt, name, ANY, port, role), opts)
        .recover(e -> {
          LOG.info(name + ": cannot listen on [::]:" + port + " (" + e.getMessage() + "); using IPv4 only");
          return vertx.deployVerticle(() -> new ListenerVerticle(rt, name, ANY_V4, port, role), opts);
        })
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "cannot listen on port " + port + " for " + name + " traffic: " + e.getMessage(), e)))
        .onSuccess(id -> LOG.info("capturing " + name + " TCP on port " + port));
  }
}
