package io.vxmesh.proxy;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fires once after {@code idleMillis} without {@link #touch()} (0 = never). One timer per
 * connection, re-armed for the time left rather than per byte; touching costs one clock read.
 * Used on the connection's event loop only.
 */
final class IdleTimer {
  private final EventLoop loop;
  private final long idleNanos;
  private final Runnable onIdle;
  private long lastActivity = System.nanoTime();
  private ScheduledFuture<?> timer;
  private boolean stopped;

  IdleTimer(EventLoop loop, long idleMillis, Runnable onIdle) {
    this.loop = loop;
    this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
    this.onIdle = onIdle;
  }

  long idleMillis() {
    return TimeUnit.NANOSECONDS.toMillis(idleNanos);
  }

  void start() {
    lastActivity = System.nanoTime();
    if (idleNanos > 0 && !stopped) {
      timer = loop.schedule(this::check, idleNanos, TimeUnit.NANOSECONDS);
    }
  }

  void touch() {
    lastActivity = System.nanoTime();
  }

  void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private void check() {
    if (stopped) {
      return;
    }
    long idle = System.nanoTime() - lastActivity;
    if (idle >= idleNanos) {
      stopped = true;
      onIdle.run();
    } else {
      timer = loop.schedule(this::check, idleNanos - idle, TimeUnit.NANOSECONDS);
    }
  }
}
