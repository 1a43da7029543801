package io.vxmesh.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Opens N connections to an {@code echo} backend ({@code concurrency} at a time), proves each one
 * is relayed end to end with one {@code size}-byte echo, then holds them all idle. With
 * {@code --pid}, the resident size of those processes (the proxy) is read before the first
 * connection and after all are established and have settled: the difference per connection is
 * what an idle connection costs that proxy.
 */
final class IdleHold {

  record Options(Target target, int connections, int concurrency, int size, Duration settle, Duration hold,
      List<Long> pids, boolean jvmTrim) {
    Options {
      if (connections < 1 || connections > 50_000) {
        throw new IllegalArgumentException("--connections must be 1-50000, got " + connections);
      }
      if (concurrency < 1) {
        throw new IllegalArgumentException("--concurrency must be positive, got " + concurrency);
      }
      pids = List.copyOf(pids);
    }
  }

  private final Vertx vertx;
  private final Options o;
  private final ByteBuf request;
  private final LongAdder failed = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final java.util.Set<Channel> open = new java.util.HashSet<>();
  private final AtomicInteger started = new AtomicInteger();
  private volatile boolean closing;
  private NetClient client;

  private IdleHold(Vertx vertx, Options o) {
    this.vertx = vertx;
    this.o = o;
    this.request = Wire.pattern(o.size());
  }

  static Future<JsonObject> run(Vertx vertx, Options o) {
    return new IdleHold(vertx, o).go();
  }

  /** The summed RSS of the --pid processes (-1 without), read on a worker after an optional trim. */
  private Future<Long> rss() {
    if (o.pids().isEmpty()) {
      return Future.succeededFuture(-1L);
    }
    return vertx.executeBlocking(() -> {
      if (o.jvmTrim()) {
        for (long pid : o.pids()) {
          Rss.trimJvm(pid);
        }
      }
      return Rss.kib(o.pids());
    }, false);
  }

  private Future<JsonObject> go() {
    return rss().compose(this::open);
  }

  private Future<JsonObject> open(long rssBefore) {
    client = Drivers.client(vertx, 5_000);
    long t0 = System.nanoTime();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int i = 0; i < Math.min(o.concurrency(), o.connections()); i++) {
      Promise<Void> lane = Promise.promise();
      lanes.add(lane.future());
      Context context = vertx.getOrCreateContext();
      context.runOnContext(v -> next(context, lane));
    }
    long openDeadline = 60_000;
    Promise<JsonObject> result = Promise.promise();
    long guard = vertx.setTimer(openDeadline + o.settle().toMillis() + o.hold().toMillis() + 30_000,
        id -> result.tryFail(new IllegalStateException("idle run did not finish in time")));
    Future.join(lanes).onComplete(opened -> {
      double openSeconds = (System.nanoTime() - t0) / 1e9;
      vertx.setTimer(Math.max(1, o.settle().toMillis()), s -> rss().onComplete(measured -> {
        if (measured.failed()) {
          closing = true;
          synchronized (open) {
            open.forEach(Channel::close);
          }
          vertx.cancelTimer(guard);
          client.close();
          result.tryFail(measured.cause());
          return;
        }
        long rssAfter = measured.result();
        vertx.setTimer(Math.max(1, o.hold().toMillis()), h -> {
          int established;
          closing = true;
          synchronized (open) {
            established = open.size();
            open.forEach(Channel::close);
          }
          vertx.cancelTimer(guard);
          client.close();
          JsonObject r = new JsonObject()
              .put("mode", "idle")
              .put("target", o.target().toString())
              .put("requested", o.connections())
              .put("established", established)
              .put("failed", failed.sum())
              .put("dropped_while_held", dropped.sum())
              .put("open_seconds", Math.round(openSeconds * 1000) / 1000.0)
              .put("hold_seconds", o.hold().toMillis() / 1000.0);
          if (rssBefore >= 0) {
            r.put("pids", new io.vertx.core.json.JsonArray(new ArrayList<>(o.pids())))
                .put("rss_before_kib", rssBefore)
                .put("rss_after_kib", rssAfter)
                .put("jvm_trim", o.jvmTrim())
                .put("rss_per_connection_bytes", established == 0 ? 0
                    : Math.round((rssAfter - rssBefore) * 1024.0 / established));
          }
          if (established == 0) {
            result.tryFail(new IllegalStateException("no connection to " + o.target() + " was established ("
                + failed.sum() + " failed)"));
          } else {
            result.tryComplete(r);
          }
        });
      }));
    });
    return result.future();
  }

  private void next(Context context, Promise<Void> lane) {
    if (started.incrementAndGet() > o.connections()) {
      lane.tryComplete();
      return;
    }
    client.connect(o.target().port(), o.target().host()).onComplete(ar -> {
      if (ar.failed()) {
        failed.increment();
        next(context, lane);
        return;
      }
      Wire.tap(ar.result(), new Held(context, lane));
    });
  }

  /** Echoes once; then stays open, idle, until the hold ends. */
  private final class Held extends ChannelInboundHandlerAdapter {
    private final Context context;
    private final Promise<Void> lane;
    private int awaited = o.size();
    private boolean established;

    Held(Context context, Promise<Void> lane) {
      this.context = context;
      this.lane = lane;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.channel().writeAndFlush(request.duplicate(), ctx.channel().voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        awaited -= b.readableBytes();
      }
      ReferenceCountUtil.release(msg);
      if (awaited == 0 && !established) {
        established = true;
        synchronized (open) {
          open.add(ctx.channel());
        }
        context.runOnContext(v -> next(context, lane));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ctx.fireChannelInactive();
      if (!established) {
        failed.increment();
        context.runOnContext(v -> next(context, lane));
      } else if (!closing) {
        dropped.increment();
        synchronized (open) {
          open.remove(ctx.channel());
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
