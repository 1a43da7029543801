package io.vxmesh.proxy;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One JSON line per connection, written by a thread of its own so that event loops never block on
 * the terminal or the disk. When the queue is full, lines are dropped and counted, never waited for.
 */
public final class AccessLog implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AccessLog.class.getName());
  private static final int QUEUE = 65_536;

  private final BlockingQueue<AccessRecord> queue;
  private final PrintStream out;
  private final boolean ownsStream;
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private final List<Consumer<AccessRecord>> taps = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private AccessLog(PrintStream out, boolean ownsStream) {
    this.out = out;
    this.ownsStream = ownsStream;
    this.queue = out == null ? null : new ArrayBlockingQueue<>(QUEUE);
    if (out != null) {
      writer = Thread.ofPlatform().daemon().name("vxmesh-access-log").start(this::drain);
    } else {
      writer = null;
    }
  }

  /** {@code -} for standard output, {@code off} for none, else a file to append to. */
  public static AccessLog open(String target) throws IOException {
    if (target == null || target.equals("-") || target.isEmpty()) {
      return new AccessLog(new PrintStream(new FileOutputStream(java.io.FileDescriptor.out), false,
          StandardCharsets.UTF_8), false);
    }
    if (target.equals("off")) {
      return new AccessLog(null, false);
    }
    OutputStream os = new FileOutputStream(target, true);
    return new AccessLog(new PrintStream(os, false, StandardCharsets.UTF_8), true);
  }

  public static AccessLog off() {
    return new AccessLog(null, false);
  }

  /** Tests observe records through taps (called on the event loop that closed the connection). */
  public void tap(Consumer<AccessRecord> tap) {
    taps.add(tap);
  }

  public void log(AccessRecord r) {
    for (Consumer<AccessRecord> t : taps) {
      t.accept(r);
    }
    if (queue != null && !closed && !queue.offer(r)) {
      dropped.incrementAndGet();
    }
  }

  public long dropped() {
    return dropped.get();
  }

  private void drain() {
    List<AccessRecord> batch = new ArrayList<>(256);
    while (!closed || !queue.isEmpty()) {
      try {
        AccessRecord first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 255);
        for (AccessRecord r : batch) {
          out.println(r.toJson());
        }
        out.flush();
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "access log write failed", e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    if (writer != null) {
      try {
        writer.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.flush();
      if (ownsStream) {
        out.close();
      }
    }
  }
}
