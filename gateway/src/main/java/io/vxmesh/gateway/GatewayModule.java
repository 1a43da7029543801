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
  private volatile io.vxmesh.gateway.inject.InjectionWebhookVerticle webhookVerticle;

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
    if (webhook == null) {
      return listeners;
    }
    webhookVerticle = new io.vxmesh.gateway.inject.InjectionWebhookVerticle(webhook.options(), webhook.injector());
    return listeners.compose(id -> vertx.deployVerticle(webhookVerticle));
  }

  /** The port the injection webhook listens on; -1 when there is none (or it is not started). */
  public int webhookPort() {
    io.vxmesh.gateway.inject.InjectionWebhookVerticle w = webhookVerticle;
    return w == null ? -1 : w.actualPort();
  }
}
