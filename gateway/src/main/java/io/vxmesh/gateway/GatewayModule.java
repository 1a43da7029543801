package io.vxmesh.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vxmesh.cli.ProxyLauncher;
import io.vxmesh.compile.ProxyIdentity;
import io.vxmesh.config.ProxyConfig;
import io.vxmesh.proxy.ProxyRuntime;

/** The gateway's part of a proxy process: listeners for the Gateway servers selecting this pod. */
public final class GatewayModule implements ProxyLauncher.RoleModule {

  @Override
  public ProxyIdentity.Role role() {
    return ProxyIdentity.Role.GATEWAY;
  }

  @Override
  public Future<?> deploy(Vertx vertx, ProxyRuntime runtime, ProxyConfig config) {
    return vertx.deployVerticle(new GatewayListenersVerticle(runtime, config.address(), config.eventLoops()));
  }
}
