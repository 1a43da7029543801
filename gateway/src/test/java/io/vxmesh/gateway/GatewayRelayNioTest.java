package io.vxmesh.gateway;

import io.vertx.core.transport.Transport;

/** The relay tests on nio (--transport nio). */
class GatewayRelayNioTest extends GatewayRelayTest {
  @Override
  String transport() {
    return "nio";
  }

  @Override
  Transport expected() {
    return Transport.NIO;
  }
}
