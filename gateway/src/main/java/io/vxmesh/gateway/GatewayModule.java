package io.vxmesh.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vxmesh.cli.ProxyLauncher;
import io.vxmesh.compile.ProxyIdentity;
import io.vxmesh.config.ProxyConfig;
import io.vxmesh.proxy.ProxyRuntime;

/** The gateway's part of a proxy process: listeners for the Gateway servers selecting this pod. */
public final class GatewayModule implements ProxyLauncher.RoleModule {

  /** The sidecar-injection webhook this gateway also serves (null: none). */
  public record Webhook(io.vxmesh.gateway.inject.InjectionWebhookVerticle.Options options,
      io.vxmesh.gateway.inject.Injector injector) {}

  private final Webhook webhook;

  public GatewayModule() {
    this(null);
  }

  public GatewayModule(Webhook webhook) {
    this.webhook = webhook;
  }

  @Override
  public ProxyIdentity.Role role() {
    return ProxyIdentity.Role.GATEWAY;
  }

  @Override
  public Future<?> deploy(Vertx vertx, ProxyRuntime runtime, ProxyConfig config) {
    Future<String> listeners = vertx.deployVerticle(
        new GatewayListenersVerticle(runtime, config.address(), config.eventLoops()));
    return webhook == null ? listeners : listeners.compose(id -> vertx.deployVerticle(
        new io.vxmesh.gateway.inject.InjectionWebhookVerticle(webhook.options(), webhook.injector())));
  }
}
