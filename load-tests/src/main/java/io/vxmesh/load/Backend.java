package io.vxmesh.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The loopback servers the driver talks to, through a proxy or directly:
 * <ul>
 *   <li>{@code echo}: sends back every byte; a FIN is answered with a FIN once all is sent;</li>
 *   <li>{@code source}: sends a pattern as fast as the connection takes it, until the peer goes;</li>
 *   <li>{@code sink}: discards what it reads; on FIN it answers the byte count (8 bytes, big-endian)
 *       and closes, so that an upload is measured by what arrived;</li>
 *   <li>{@code http}: HTTP/1.1 keep-alive, {@code GET /} answers a short text, {@code /bytes/N} N bytes.</li>
 * </ul>
 * Port 0 picks a free port; {@link #ports()} tells which. Every server listens on the given address only.
 */
public final class Backend implements AutoCloseable {
  static final int CHUNK = 64 * 1024;

  /** What to serve; a null port serves nothing of that kind. */
  /** {@code moreEcho}: further echo ports, reported as {@code echo-PORT}. */
  public record Spec(String address, Integer echo, Integer source, Integer sink, Integer http, List<Integer> moreEcho) {
    public Spec(String address, Integer echo, Integer source, Integer sink, Integer http) {
      this(address, echo, source, sink, http, List.of());
    }
  }

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final List<Channel> servers = new ArrayList<>();
  private HttpServer httpServer;
  private final JsonObject ports = new JsonObject();
  private final ByteBuf pattern = Wire.pattern(CHUNK);

  private Backend(Vertx vertx, boolean ownsVertx) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
  }

  /** Starts the servers of {@code spec} on {@code vertx} (its own when null). */
  public static Future<Backend> start(Vertx vertx, Spec spec) {
    Backend b = vertx == null ? new Backend(Drivers.vertx(1), true) : new Backend(vertx, false);
    List<Future<?>> all = new ArrayList<>();
    if (spec.echo() != null) {
      all.add(b.tcp(spec.address(), spec.echo(), "echo", Echo::new));
    }
    for (int port : spec.moreEcho()) {
      all.add(b.tcp(spec.address(), port, "echo-" + port, Echo::new));
    }
    if (spec.source() != null) {
      all.add(b.tcp(spec.address(), spec.source(), "source", ch -> b.new Source(ch)));
    }
    if (spec.sink() != null) {
      all.add(b.tcp(spec.address(), spec.sink(), "sink", ch -> new Sink()));
    }
    if (spec.http() != null) {
      all.add(b.http(spec.address(), spec.http()));
    }
    return Future.all(all).map(b).recover(e -> b.closeAsync().transform(ignored -> Future.failedFuture(
        new IllegalStateException("backend on " + spec.address() + ": " + e.getMessage(), e))));
  }

  /** {@code {"echo": port, "source": port, ...}} for the servers that run. */
  public JsonObject ports() {
    return ports.copy();
  }

  public int port(String kind) {
    Integer p = ports.getInteger(kind);
    if (p == null) {
      throw new IllegalStateException("no " + kind + " server runs");
    }
    return p;
  }

  private Future<?> tcp(String address, int port, String kind, java.util.function.Function<Channel, ChannelInboundHandlerAdapter> handler) {
    io.vertx.core.Promise<Void> bound = io.vertx.core.Promise.promise();
    io.netty.channel.ChannelFuture f = Wire.listen(vertx, address, port, handler);
    f.addListener(done -> {
      if (done.isSuccess()) {
        servers.add(f.channel());
        ports.put(kind, ((java.net.InetSocketAddress) f.channel().localAddress()).getPort());
        bound.complete();
      } else {
        bound.fail(done.cause());
      }
    });
    return bound.future();
  }

  private Future<?> http(String address, int port) {
    Buffer hello = Buffer.buffer("hello from the vxmesh load backend\n");
    httpServer = vertx.createHttpServer(new HttpServerOptions().setHost(address).setPort(port)
        .setTcpNoDelay(true).setReuseAddress(true).setIdleTimeout(60));
    httpServer.requestHandler(req -> {
      String path = req.path();
      if (path.startsWith("/bytes/")) {
        int n;
        try {
          n = Integer.parseInt(path.substring("/bytes/".length()));
        } catch (NumberFormatException e) {
          req.response().setStatusCode(400).end("not a byte count: " + path + "\n");
          return;
        }
        if (n < 0 || n > 16 * 1024 * 1024) {
          req.response().setStatusCode(400).end("byte count out of range 0..16777216: " + n + "\n");
          return;
        }
        req.response().putHeader("content-type", "application/octet-stream").end(Buffer.buffer(new byte[n]));
        return;
      }
      req.response().putHeader("content-type", "text/plain").end(hello);
    });
    return httpServer.listen().onSuccess(s -> ports.put("http", s.actualPort()));
  }

  public Future<Void> closeAsync() {
    List<Future<?>> all = new ArrayList<>();
    for (Channel s : servers) {
      io.vertx.core.Promise<Void> closed = io.vertx.core.Promise.promise();
      s.close().addListener(f -> closed.complete());
      all.add(closed.future());
    }
    if (httpServer != null) {
      all.add(httpServer.close());
    }
    Future<Void> closed = Future.join(all).mapEmpty();
    return ownsVertx ? closed.transform(ignored -> vertx.close()) : closed;
  }

  @Override
  public void close() throws Exception {
    closeAsync().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------- servers

  /** Writes back what it reads, with back-pressure; a FIN is passed on after the last byte. */
  private static final class Echo extends ChannelInboundHandlerAdapter {
    private final Channel ch;
    private boolean pending;

    Echo(Channel ch) {
      this.ch = ch;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg, ctx.voidPromise());
      pending = true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (pending) {
        pending = false;
        ctx.flush();
      }
      if (!ch.isWritable()) {
        ch.config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ch.isWritable()) {
        ch.config().setAutoRead(true);
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      if (evt != ChannelInputShutdownReadComplete.INSTANCE) {
        ctx.fireUserEventTriggered(evt);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Sends the shared pattern while the connection is writable; stops when the peer goes. */
  private final class Source extends ChannelInboundHandlerAdapter {
    private final Channel ch;

    Source(Channel ch) {
      this.ch = ch;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.executor().execute(this::fill);
    }

    private void fill() {
      boolean wrote = false;
      while (ch.isActive() && ch.isWritable()) {
        ch.write(pattern.duplicate(), ch.voidPromise());
        wrote = true;
      }
      if (wrote) {
        ch.flush();
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      fill();
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        ctx.close();
        return;
      }
      if (evt != ChannelInputShutdownReadComplete.INSTANCE) {
        ctx.fireUserEventTriggered(evt);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Counts and drops; on FIN answers the count and closes. */
  private static final class Sink extends ChannelInboundHandlerAdapter {
    private long bytes;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        bytes += b.readableBytes();
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        ctx.writeAndFlush(ctx.alloc().buffer(8).writeLong(bytes)).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      if (evt != ChannelInputShutdownReadComplete.INSTANCE) {
        ctx.fireUserEventTriggered(evt);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
