package io.vxmesh.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Moves bytes both ways between a client and an upstream channel on one event loop.
 *
 * <p>Each channel gets a {@link Side} in its pipeline, ahead of its {@link Tail}: what it reads it
 * writes to the other channel as the same (direct) buffer, with one flush per read batch.
 * Back-pressure: when the other channel stops being writable, this one stops reading, and starts
 * again when it drains. Half-close: a FIN from one side becomes a shutdown of the other's output
 * once everything before it is flushed; when both directions are done, both channels close. Any
 * other close, reset or error closes both. An idle timer closes both after {@code idleMillis}
 * without a byte either way (0 = never). Nothing here allocates or logs per read.
 */
final class Relay {

  static final String HANDLER_NAME = "vxmesh-relay";
  /** How long a closing connection may take to flush what it still has to send. */
  static final long CLOSE_FLUSH_TIMEOUT_MS = 15_000;

  /** Told once, on the event loop, when the relay is over. */
  interface Outcome {
    void closed(CloseReason reason, String detail, long bytesFromDownstream, long bytesFromUpstream);
  }

  private final Channel downstream;
  private final Channel upstream;
  private final Side down;
  private final Side up;
  private final IdleTimer idle;
  private final Outcome outcome;
  private boolean finished;

  Relay(Channel downstream, Channel upstream, long idleMillis, Outcome outcome) {
    this.downstream = downstream;
    this.upstream = upstream;
    this.idle = new IdleTimer(downstream.eventLoop(), idleMillis, () -> abort(CloseReason.IDLE_TIMEOUT,
        "no bytes either way for " + idleMillis + " ms"));
    this.outcome = outcome;
    this.down = new Side(downstream, upstream, true);
    this.up = new Side(upstream, downstream, false);
  }

  /**
   * Starts relaying; must run on the channels' event loop. The client's {@link Intake} hands over:
   * the bytes it held go first, and a FIN it saw is passed on after them.
   */
  void start(Intake intake) {
    ByteBuf held = intake.takeHeld();
    boolean finSeen = intake.inputShutdown();
    boolean gone = intake.inactive();
    begin(intake, null, held, null, finSeen, gone);
  }

  /**
   * Takes both channels over from the HTTP egress proxy once the server switched protocols (101):
   * {@code toUpstream} and {@code toDownstream} are the bytes each side sent past the HTTP exchange.
   */
  void startUpgraded(ChannelHandler downstreamHandler, ChannelHandler upstreamHandler, ByteBuf toUpstream,
      ByteBuf toDownstream, boolean downstreamFin) {
    begin(downstreamHandler, upstreamHandler, toUpstream, toDownstream, downstreamFin, !downstream.isActive());
  }

  private void begin(ChannelHandler downstreamOld, ChannelHandler upstreamOld, ByteBuf held, ByteBuf toDownstream,
      boolean finSeen, boolean gone) {
    Sockets.allowHalfClosure(upstream, true);
    downstream.pipeline().replace(downstreamOld, HANDLER_NAME, down);
    if (upstreamOld == null) {
      upstream.pipeline().addBefore(Tail.NAME, HANDLER_NAME, up);
    } else {
      upstream.pipeline().replace(upstreamOld, HANDLER_NAME, up);
    }
    if (held != null) {
      if (held.isReadable()) {
        down.bytes += held.readableBytes();
        upstream.writeAndFlush(held, upstream.voidPromise());
      } else {
        held.release();
      }
    }
    if (toDownstream != null) {
      if (toDownstream.isReadable()) {
        up.bytes += toDownstream.readableBytes();
        downstream.writeAndFlush(toDownstream, downstream.voidPromise());
      } else {
        toDownstream.release();
      }
    }
    if (finSeen) {
      inputShutdown(down);
    }
    if (gone || !downstream.isActive()) {
      sideGone(down, null);
      return;
    }
    if (!upstream.isActive()) {
      sideGone(up, null);
      return;
    }
    idle.start();
    downstream.config().setAutoRead(true);
    upstream.config().setAutoRead(true);
  }

  /** Closes both sides now (used when authorisation is revoked or the proxy shuts down). */
  void abort(CloseReason reason, String detail) {
    finish(reason, detail);
    closeAfterFlush(downstream);
    closeAfterFlush(upstream);
  }



  /**
   * One side sent FIN: pass it on once what it sent before is flushed. When that was the second
   * FIN, both directions are done and both channels close after their last flush; the close sends
   * the FIN, so the last shutdown is not issued separately (a system call saved; nothing is left
   * unread, so the close is not a reset). The first FIN is passed on with {@link
   * Sockets#shutdownOutput}, and after it the peer closes on its own FIN (half-closure off).
   */
  private void inputShutdown(Side side) {
    if (side.inputDone) {
      return;
    }
    side.inputDone = true;
    idle.touch();
    if (down.inputDone && up.inputDone) {
      finish(CloseReason.COMPLETED, "");
      closeAfterFlush(downstream);
      closeAfterFlush(upstream);
      return;
    }
    Channel peer = side.peer;
    Side peerSide = side == down ? up : down;
    peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
      if (peer.isActive() && Sockets.shutdownOutput(peer)) {
        // Nothing is left to send to the peer: its own FIN, when it comes, ends the relay, so the
        // channel may close on it instead of shutting its read side (a shutdown(SHUT_RD) that
        // fails on a socket shut both ways, and a Netty exception with it).
        peerSide.outputShut = true;
        Sockets.allowHalfClosure(peer, false);
      }
    });
  }

  /** A channel closed (or failed): flush and close the other one. */
  private void sideGone(Side side, Throwable cause) {
    if (cause == null && side.outputShut) {
      side.inputDone = true; // closed by its FIN (half-closure is off once its output is shut)
    }
    CloseReason reason;
    if (down.inputDone && up.inputDone) {
      reason = CloseReason.COMPLETED;
    } else if (cause != null && !(cause instanceof IOException)) {
      reason = side.fromDownstream ? CloseReason.DOWNSTREAM_ERROR : CloseReason.UPSTREAM_ERROR;
    } else {
      reason = side.fromDownstream ? CloseReason.DOWNSTREAM_CLOSED : CloseReason.UPSTREAM_CLOSED;
    }
    finish(reason, cause == null ? "" : String.valueOf(cause.getMessage()));
    if (cause != null) {
      side.self.close();
    }
    closeAfterFlush(side.peer);
  }

  private void finish(CloseReason reason, String detail) {
    if (finished) {
      return;
    }
    finished = true;
    idle.stop();
    outcome.closed(reason, detail, down.bytes, up.bytes);
  }

  /** Closes once what was written is flushed; a channel whose output is already shut has nothing left. */
  static void closeAfterFlush(Channel ch) {
    if (ch.isActive() && !(ch instanceof DuplexChannel dc && dc.isOutputShutdown())) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      if (ch.isOpen()) {
        // A peer that stops reading must not keep a closing connection (and its buffers) forever;
        // the timer goes with the channel, so closed connections are not held until it fires.
        ScheduledFuture<?> force = ch.eventLoop().schedule(() -> {
          ch.close();
        }, CLOSE_FLUSH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> force.cancel(false));
      }
    } else {
      ch.close();
    }
  }

  /** The handler on one channel: reads from {@code self}, writes to {@code peer}. */
  private final class Side extends ChannelInboundHandlerAdapter {
    final Channel self;
    final Channel peer;
    final boolean fromDownstream;
    long bytes;
    boolean inputDone;
    /** This channel's output was shut (the other direction is over). */
    boolean outputShut;
    boolean pendingFlush;

    Side(Channel self, Channel peer, boolean fromDownstream) {
      this.self = self;
      this.peer = peer;
      this.fromDownstream = fromDownstream;
    }

    @Override
    public boolean isSharable() {
      return false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf buf) {
        bytes += buf.readableBytes();
        peer.write(buf, peer.voidPromise());
        pendingFlush = true;
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      idle.touch();
      if (pendingFlush) {
        pendingFlush = false;
        peer.flush();
      }
      if (!peer.isWritable()) {
        self.config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      // self drained below its low water mark: the channel that writes into it may read again.
      Side source = this == down ? up : down;
      if (self.isWritable() && !source.inputDone && peer.isActive()) {
        peer.config().setAutoRead(true);
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        if (pendingFlush) {
          pendingFlush = false;
          peer.flush();
        }
        inputShutdown(this);
        return;
      }
      if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      sideGone(this, null);
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      sideGone(this, cause);
    }
  }
}
