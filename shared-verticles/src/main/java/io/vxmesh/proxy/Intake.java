package io.vxmesh.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;

/**
 * Owns an accepted connection from the moment it is accepted until the relay takes over: holds the
 * bytes the client sends early (epoll reads them on FIN even with auto-read off) and remembers an
 * early FIN or close, so nothing is lost while the upstream is being chosen and connected. Installed
 * ahead of the {@link Tail}; bounded: past {@link #MAX_HELD} bytes it stops reading.
 */
final class Intake extends ChannelInboundHandlerAdapter {
  static final String NAME = "vxmesh-intake";
  static final int MAX_HELD = 64 * 1024;

  private final Channel channel;
  private CompositeByteBuf held;
  private boolean inputShutdown;
  private boolean inactive;
  private Throwable failure;
  private Runnable watcher;

  private Intake(Channel channel) {
    this.channel = channel;
  }

  /** Installs an intake on a freshly accepted channel (auto-read off, half-closure allowed). */
  static Intake install(Channel ch) {
    ch.config().setAutoRead(false);
    Sockets.allowHalfClosure(ch, true);
    Intake intake = new Intake(ch);
    ch.pipeline().addBefore(Tail.NAME, NAME, intake);
    return intake;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (held == null) {
      held = ctx.alloc().compositeBuffer(64);
    }
    held.addComponent(true, buf);
    if (held.readableBytes() >= MAX_HELD) {
      channel.config().setAutoRead(false);
    }
    changed();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      inputShutdown = true;
      changed();
      return;
    }
    if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    inactive = true;
    changed();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    failure = cause;
    changed();
  }

  /**
   * Reads on for someone who needs the first bytes (protocol inspection): {@code watcher} runs after
   * each read, an early FIN and a close, until {@link #unwatch()}. Reading stops at {@link #MAX_HELD}.
   */
  void watch(Runnable watcher) {
    this.watcher = watcher;
    if (held == null || held.readableBytes() < MAX_HELD) {
      channel.config().setAutoRead(true);
    }
  }

  /** Stops reading for the inspector; what was read stays held. */
  void unwatch() {
    watcher = null;
    channel.config().setAutoRead(false);
  }

  /** True when nothing more can arrive: the client sent FIN, closed, failed, or the hold is full. */
  boolean exhausted() {
    return inputShutdown || inactive() || (held != null && held.readableBytes() >= MAX_HELD);
  }

  private void changed() {
    if (watcher != null) {
      watcher.run();
    }
  }

  /** Bytes held so far (the caller owns them; null when none). */
  ByteBuf takeHeld() {
    ByteBuf b = held;
    held = null;
    return b;
  }

  /** Peek at what is held without taking it (protocol detection). */
  ByteBuf peek() {
    return held;
  }

  boolean inputShutdown() {
    return inputShutdown;
  }

  boolean inactive() {
    return inactive || failure != null;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (held != null) {
      held.release();
      held = null;
    }
  }
}
