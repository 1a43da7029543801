package io.vxmesh.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request/response on persistent connections against an {@code echo} backend: each connection sends
 * {@code size} bytes, waits for all of them to come back, and sends again (closed loop, one request
 * in flight per connection). Latency of each round trip that starts inside the window is recorded.
 */
final class RoundTrips {

  record Options(Target target, int connections, int size, Duration warmup, Duration duration) {
    Options {
      if (connections < 1 || connections > 10_000) {
        throw new IllegalArgumentException("--connections must be 1-10000, got " + connections);
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
  private final ByteBuf request;

  private RoundTrips(Vertx vertx, Options o) {
    this.vertx = vertx;
    this.o = o;
    this.phases = new Phases(o.warmup(), o.duration());
    this.request = Wire.pattern(o.size());
  }

  static Future<JsonObject> run(Vertx vertx, Options o) {
    return new RoundTrips(vertx, o).go();
  }

  private Future<JsonObject> go() {
    NetClient client = Drivers.client(vertx, 5_000);
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < o.connections(); i++) {
      Promise<Void> done = Promise.promise();
      all.add(done.future());
      client.connect(o.target().port(), o.target().host()).onComplete(ar -> {
        if (ar.failed()) {
          errors.increment();
          done.tryFail(new IllegalStateException("cannot connect to " + o.target() + ": " + ar.cause().getMessage()));
          return;
        }
        Wire.tap(ar.result(), new Conn(Wire.channel(ar.result()), done));
      });
    }
    long deadlineMs = (phases.nanosUntilEnd(System.nanoTime()) / 1_000_000) + 30_000;
    Promise<JsonObject> result = Promise.promise();
    long guard = vertx.setTimer(deadlineMs, id -> result.tryFail(new IllegalStateException(
        "rr run did not finish within " + deadlineMs + " ms")));
    Future.join(all).onComplete(ar -> {
      vertx.cancelTimer(guard);
      client.close();
      long n = latency.count();
      JsonObject r = new JsonObject()
          .put("mode", "rr")
          .put("target", o.target().toString())
          .put("connections", o.connections())
          .put("size", o.size())
          .put("seconds", phases.measuredSeconds())
          .put("round_trips", n)
          .put("round_trips_per_s", Math.round(n / phases.measuredSeconds()))
          .put("errors", errors.sum());
      latency.into(r);
      if (n == 0) {
        result.tryFail(new IllegalStateException("no round trip completed against " + o.target()
            + (ar.failed() ? ": " + ar.cause().getMessage() : "")));
      } else {
        result.tryComplete(r);
      }
    });
    return result.future();
  }

  /** One persistent connection: one request in flight. */
  private final class Conn extends ChannelInboundHandlerAdapter {
    private final Channel ch;
    private final Promise<Void> done;
    private long sentAt;
    private int awaited;

    Conn(Channel ch, Promise<Void> done) {
      this.ch = ch;
      this.done = done;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.executor().execute(this::send);
    }

    private void send() {
      sentAt = System.nanoTime();
      awaited = o.size();
      ch.writeAndFlush(request.duplicate(), ch.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        awaited -= b.readableBytes();
      }
      ReferenceCountUtil.release(msg);
      if (awaited > 0) {
        return;
      }
      long now = System.nanoTime();
      if (awaited < 0) {
        errors.increment();
        ctx.close();
        return;
      }
      if (phases.measuring(sentAt)) {
        latency.record(now - sentAt);
      }
      if (phases.over(now)) {
        ctx.close();
      } else {
        send();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!phases.over(System.nanoTime())) {
        errors.increment();
      }
      done.tryComplete();
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
