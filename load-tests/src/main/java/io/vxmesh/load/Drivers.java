package io.vxmesh.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.logging.Logger;

/** Vert.x set up for load: native epoll where it loads, a given number of event loops, no worker threads used. */
final class Drivers {
  private static final Logger LOG = Logger.getLogger(Drivers.class.getName());

  private Drivers() {}

  static Vertx vertx(int eventLoops) {
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(Math.max(1, eventLoops))
            .setWorkerPoolSize(1).setInternalBlockingPoolSize(1))
        .build();
    if (!vertx.isNativeTransportEnabled()) {
      LOG.warning("native epoll transport unavailable (" + vertx.unavailableNativeTransportCause() + "); using NIO");
    }
    return vertx;
  }

  /** A client with TCP_NODELAY and a bounded connect timeout. */
  static NetClient client(Vertx vertx, int connectTimeoutMs) {
    return vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setReuseAddress(true)
        .setConnectTimeout(connectTimeoutMs));
  }
}
