package io.vxmesh.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * New connections per second against an {@code echo} backend: {@code workers} concurrent loops of
 * connect, send {@code size} bytes, read them back, close. A cycle's latency runs from the connect
 * call to the last byte of the echo. Failures are counted; after one a worker waits 1 ms, so a dead
 * target cannot make the driver spin.
 */
final class ConnectRate {

  record Options(Target target, int workers, int size, Duration warmup, Duration duration) {
    Options {
      if (workers < 1 || workers > 4096) {
        throw new IllegalArgumentException("--workers must be 1-4096, got " + workers);
      }
      if (size < 1 || size > Backend.CHUNK) {
        throw new IllegalArgumentException("--size must be 1-" + Backend.CHUNK + ", got " + size);
      }
    }
  }

  private final Vertx vertx;
  private final Options o;
  private final Phases phases;
  private final Latency latency = new Latency();
  private final LongAdder errors = new LongAdder();
  private final LongAdder connectErrors = new LongAdder();
  private final ByteBuf request;

  private ConnectRate(Vertx vertx, Options o) {
    this.vertx = vertx;
    this.o = o;
    this.phases = new Phases(o.warmup(), o.duration());
    this.request = Wire.pattern(o.size());
  }

  static Future<JsonObject> run(Vertx vertx, Options o) {
    return new ConnectRate(vertx, o).go();
  }

  private Future<JsonObject> go() {
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < o.workers(); i++) {
      Promise<Void> done = Promise.promise();
      all.add(done.future());
      // Each worker stays on one context (one event loop); the pipeline callbacks come back to it.
      Context context = vertx.getOrCreateContext();
      context.runOnContext(v -> cycle(context, done));
    }
    long deadlineMs = (phases.nanosUntilEnd(System.nanoTime()) / 1_000_000) + 30_000;
    Promise<JsonObject> result = Promise.promise();
    long guard = vertx.setTimer(deadlineMs, id -> result.tryFail(new IllegalStateException(
        "connrate run did not finish within " + deadlineMs + " ms")));
    Future.join(all).onComplete(ar -> {
      vertx.cancelTimer(guard);
      long n = latency.count();
      JsonObject r = new JsonObject()
          .put("mode", "connrate")
          .put("target", o.target().toString())
          .put("workers", o.workers())
          .put("size", o.size())
          .put("seconds", phases.measuredSeconds())
          .put("connections", n)
          .put("connections_per_s", Math.round(n / phases.measuredSeconds()))
          .put("errors", errors.sum())
          .put("connect_errors", connectErrors.sum());
      latency.into(r);
      if (n == 0) {
        result.tryFail(new IllegalStateException("no connection completed against " + o.target()
            + " (" + connectErrors.sum() + " connect errors, " + errors.sum() + " other errors)"));
      } else {
        result.tryComplete(r);
      }
    });
    return result.future();
  }

  private void cycle(Context context, Promise<Void> done) {
    long start = System.nanoTime();
    if (phases.over(start)) {
      done.tryComplete();
      return;
    }
    // A bare channel on the worker's event loop: a NetClient and a NetSocket per connection would
    // make the driver, not the proxy, the limit of a connection-rate run.
    EventLoop loop = ((ContextInternal) context).nettyEventLoop();
    Wire.connect(vertx, loop, o.target().host(), o.target().port(), 5_000, new Once(context, start, done))
        .addListener(f -> {
          if (!f.isSuccess()) {
            connectErrors.increment();
            loop.schedule(() -> cycle(context, done), 1, TimeUnit.MILLISECONDS);
          }
        });
  }

  /** One connection: send, read the echo, close, start the next cycle. */
  private final class Once extends ChannelInboundHandlerAdapter {
    private final Context context;
    private final long start;
    private final Promise<Void> done;
    private int awaited = o.size();
    private boolean ok;

    Once(Context context, long start, Promise<Void> done) {
      this.context = context;
      this.start = start;
      this.done = done;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.channel().writeAndFlush(request.duplicate(), ctx.channel().voidPromise());
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        awaited -= b.readableBytes();
      }
      ReferenceCountUtil.release(msg);
      if (awaited == 0 && !ok) {
        ok = true;
        if (phases.measuring(start)) {
          latency.record(System.nanoTime() - start);
        }
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ctx.fireChannelInactive();
      if (!ok) {
        errors.increment();
        ctx.channel().eventLoop().schedule(() -> cycle(context, done), 1, TimeUnit.MILLISECONDS);
      } else {
        ctx.channel().eventLoop().execute(() -> cycle(context, done));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
