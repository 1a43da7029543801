package io.vxmesh.cli;

import io.vertx.core.impl.transports.EpollTransport;
import io.vertx.core.impl.transports.IoUringTransport;
import io.vertx.core.impl.transports.NioTransport;
import io.vertx.core.impl.transports.TransportInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import io.vxmesh.config.ConfigLoader;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Which Netty transport the proxy's event loops use ({@code --transport}, {@code VXMESH_TRANSPORT}):
 * {@code auto} (the default) takes io_uring where the kernel offers it, else epoll, else NIO;
 * {@code io_uring}, {@code epoll} and {@code nio} insist, and a start with one that does not load
 * fails with the reason. io_uring sets a connection up with no epoll_ctl calls (Netty's epoll
 * channel makes 12 per relayed connection) and cost the gateway 25-35 % less CPU per connection in
 * the lab; it is missing on kernels before 5.x and where a seccomp profile forbids it (some container
 * runtimes' defaults do), and then auto falls back to epoll.
 */
public enum TransportChoice {
  AUTO, IO_URING, EPOLL, NIO;

  /** The flag's and the environment variable's name for it. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The choice the flags (key {@code transport}) or else the environment make; auto when neither says. */
  static TransportChoice of(JsonObject flags, Map<String, String> env) {
    Object v = flags.getValue("transport");
    String where = "--transport";
    if (v == null) {
      where = ConfigLoader.ENV_PREFIX + "TRANSPORT";
      v = env.get(where);
    }
    return v == null ? AUTO : parse(where, v.toString());
  }

  static TransportChoice parse(String where, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    for (TransportChoice c : values()) {
      if (c.wire().equals(t)) {
        return c;
      }
    }
    throw new IllegalArgumentException(where + " must be auto, io_uring, epoll or nio, not '" + text + "'");
  }

  /** What a choice resolved to: the transport, and why auto passed over the native ones it did not take. */
  public record Resolved(Transport transport, String fallback) {}

  /**
   * The transport to build Vert.x with. Only the transports this choice needs are probed, each
   * loading its native library: not through Vert.x's {@code Transport.EPOLL}/{@code IO_URING}
   * constants, whose interface initialises all of them at once (auto on io_uring would also load
   * epoll's library, ~25 ms of a start, for nothing).
   */
  Resolved resolve() {
    return switch (this) {
      case IO_URING -> new Resolved(required(ioUring()), null);
      case EPOLL -> new Resolved(required(epoll()), null);
      case NIO -> new Resolved(nio(), null);
      case AUTO -> {
        Transport uring = ioUring();
        if (uring.available()) {
          yield new Resolved(uring, null);
        }
        String why = "io_uring unavailable (" + uring.unavailabilityCause() + ")";
        Transport epoll = epoll();
        if (epoll.available()) {
          yield new Resolved(epoll, why + "; using epoll");
        }
        yield new Resolved(nio(), why + ", epoll unavailable (" + epoll.unavailabilityCause() + "); using NIO");
      }
    };
  }

  private static Transport ioUring() {
    return probe("io_uring", IoUringTransport::new);
  }

  private static Transport epoll() {
    return probe("epoll", EpollTransport::new);
  }

  private static Transport nio() {
    return new TransportInternal("nio", true, null, NioTransport.INSTANCE);
  }

  /** A native transport and whether it loads here (a missing Netty class counts as unavailable). */
  private static Transport probe(String name, Supplier<io.vertx.core.spi.transport.Transport> make) {
    try {
      io.vertx.core.spi.transport.Transport impl = make.get();
      return new TransportInternal(name, impl.isAvailable(), impl.unavailabilityCause(), impl);
    } catch (LinkageError e) {
      return new TransportInternal(name, false, e, null);
    }
  }

  private Transport required(Transport t) {
    if (!t.available()) {
      throw new IllegalStateException("--transport " + wire() + ": unavailable here (" + t.unavailabilityCause()
          + "); use --transport auto to fall back");
    }
    return t;
  }
}
