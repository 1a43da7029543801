package io.vxmesh.gateway;

import io.vertx.core.transport.Transport;

/** The relay tests on epoll (--transport epoll). */
class GatewayRelayEpollTest extends GatewayRelayTest {
  @Override
  String transport() {
    return "epoll";
  }

  @Override
  Transport expected() {
    return Transport.EPOLL;
  }
}
