package io.vxmesh.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bulk bytes over N streams. {@code download} reads from a {@code source} backend and counts what
 * arrives inside the measured window; {@code upload} writes to a {@code sink} backend as fast as
 * back-pressure allows, then half-closes and counts what the sink says arrived (warm-up included).
 */
final class Throughput {

  record Options(Target target, int streams, boolean upload, Duration warmup, Duration duration) {
    Options {
      if (streams < 1 || streams > 1024) {
        throw new IllegalArgumentException("--streams must be 1-1024, got " + streams);
      }
    }
  }

  private final Vertx vertx;
  private final Options o;
  private final Phases phases;
  private final LongAdder bytes = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final List<Channel> channels = new ArrayList<>();
  private final ByteBuf pattern = Wire.pattern(Backend.CHUNK);
  private volatile long uploadStart;

  private Throughput(Vertx vertx, Options o) {
    this.vertx = vertx;
    this.o = o;
    this.phases = new Phases(o.warmup(), o.duration());
  }

  static Future<JsonObject> run(Vertx vertx, Options o) {
    return new Throughput(vertx, o).go();
  }

  private Future<JsonObject> go() {
    NetClient client = Drivers.client(vertx, 5_000);
    List<Future<Void>> streams = new ArrayList<>();
    uploadStart = System.nanoTime();
    for (int i = 0; i < o.streams(); i++) {
      Promise<Void> done = Promise.promise();
      streams.add(done.future());
      client.connect(o.target().port(), o.target().host()).onComplete(ar -> {
        if (ar.failed()) {
          errors.increment();
          done.tryFail(new IllegalStateException("cannot connect to " + o.target() + ": " + ar.cause().getMessage()));
          return;
        }
        Channel ch = Wire.channel(ar.result());
        Wire.allowHalfClosure(ch);
        synchronized (channels) {
          channels.add(ch);
        }
        Wire.tap(ar.result(), o.upload() ? new Writer(ch, done) : new Reader(done));
      });
    }
    long endMs = TimeUnit.NANOSECONDS.toMillis(phases.nanosUntilEnd(System.nanoTime())) + 1;
    vertx.setTimer(endMs, id -> stopAll());
    long deadline = endMs + 30_000;
    Promise<JsonObject> result = Promise.promise();
    long guard = vertx.setTimer(deadline, id -> result.tryFail(new IllegalStateException(
        "throughput run did not finish within " + deadline + " ms")));
    Future.join(streams).onComplete(ar -> {
      vertx.cancelTimer(guard);
      client.close();
      long elapsed = System.nanoTime() - uploadStart;
      double seconds = o.upload() ? elapsed / 1e9 : phases.measuredSeconds();
      long total = bytes.sum();
      JsonObject r = new JsonObject()
          .put("mode", "throughput")
          .put("direction", o.upload() ? "upload" : "download")
          .put("target", o.target().toString())
          .put("streams", o.streams())
          .put("seconds", Math.round(seconds * 1000) / 1000.0)
          .put("bytes", total)
          .put("mib_per_s", Math.round(total / seconds / (1 << 20) * 10) / 10.0)
          .put("gbit_per_s", Math.round(total * 8 / seconds / 1e9 * 1000) / 1000.0)
          .put("errors", errors.sum());
      if (ar.failed() && total == 0) {
        result.tryFail(ar.cause());
      } else {
        result.tryComplete(r);
      }
    });
    return result.future();
  }

  private void stopAll() {
    List<Channel> all;
    synchronized (channels) {
      all = List.copyOf(channels);
    }
    for (Channel ch : all) {
      ch.eventLoop().execute(() -> {
        if (o.upload()) {
          if (ch instanceof DuplexChannel dc && ch.isActive()) {
            // Half-close once everything written so far is out: shutting the output down with writes
            // still queued fails them, and their failure would close the channel before the answer.
            ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(f -> {
              if (ch.isActive()) {
                dc.shutdownOutput();
              }
            });
          }
        } else {
          ch.close();
        }
      });
    }
  }

  /** Download: counts bytes read inside the window. */
  private final class Reader extends ChannelInboundHandlerAdapter {
    private final Promise<Void> done;

    Reader(Promise<Void> done) {
      this.done = done;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b && phases.measuring(System.nanoTime())) {
        bytes.add(b.readableBytes());
      }
      ReferenceCountUtil.release(msg);
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

  /** Upload: writes while writable until the end, then reads the sink's 8-byte count. */
  private final class Writer extends ChannelInboundHandlerAdapter {
    private final Channel ch;
    private final Promise<Void> done;
    private final ByteBuf answer;

    Writer(Channel ch, Promise<Void> done) {
      this.ch = ch;
      this.done = done;
      this.answer = ch.alloc().heapBuffer(8);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.executor().execute(this::fill);
    }

    private void fill() {
      boolean wrote = false;
      while (ch.isActive() && ch.isWritable() && !phases.over(System.nanoTime())) {
        ch.write(pattern.duplicate(), ch.voidPromise());
        wrote = true;
      }
      if (wrote) {
        ch.flush();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      fill();
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        answer.writeBytes(b, Math.min(b.readableBytes(), answer.writableBytes()));
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (answer.readableBytes() == 8) {
        bytes.add(answer.readLong());
      } else {
        errors.increment();
      }
      answer.release();
      done.tryComplete();
      ctx.fireChannelInactive();
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
}
