package io.vxmesh.proxy;

import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One JSON line per connection, written by a thread of its own so that event loops never block on
 * the terminal or the disk. When the queue is full, lines are dropped and counted, never waited for.
 *
 * <p>The event loop only enqueues: the writer is never woken per record (it drains the queue every
 * {@link #INTERVAL_MS} ms while idle, at once while busy), and each batch leaves in one buffered
 * write, not one or two write calls per line. At tens of thousands of connections a second on one
 * CPU, a wake-up and two system calls per connection were a measurable part of the connection rate.
 */
public final class AccessLog implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AccessLog.class.getName());
  private static final int QUEUE = 65_536;
  private static final int BATCH = 1024;
  /** Longest time a line waits in the queue when the log is quiet. */
  static final long INTERVAL_MS = 20;

  private final BlockingQueue<AccessRecord> queue;
  private final Writer out;
  private final boolean ownsStream;
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private final List<Consumer<AccessRecord>> taps = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private AccessLog(OutputStream os, boolean ownsStream) {
    this.out = os == null ? null : new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
    this.ownsStream = ownsStream;
    this.queue = os == null ? null : new ArrayBlockingQueue<>(QUEUE);
    if (os != null) {
      writer = Thread.ofPlatform().daemon().name("vxmesh-access-log").start(this::drain);
    } else {
      writer = null;
    }
  }

  /** {@code -} for standard output, {@code off} for none, else a file to append to. */
  public static AccessLog open(String target) throws IOException {
    if (target == null || target.equals("-") || target.isEmpty()) {
      return new AccessLog(new FileOutputStream(java.io.FileDescriptor.out), false);
    }
    if (target.equals("off")) {
      return new AccessLog(null, false);
    }
    return new AccessLog(new FileOutputStream(target, true), true);
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
    List<AccessRecord> batch = new ArrayList<>(BATCH);
    while (true) {
      boolean last = closed;
      queue.drainTo(batch, BATCH);
      if (batch.isEmpty()) {
        if (last) {
          return;
        }
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS));
        continue;
      }
      try {
        for (AccessRecord r : batch) {
          out.write(r.toJson());
          out.write('\n');
        }
        if (queue.isEmpty()) {
          out.flush();
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "access log write failed", e);
      }
      batch.clear();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (writer != null) {
      LockSupport.unpark(writer);
      try {
        writer.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        out.flush();
        if (ownsStream) {
          out.close();
        }
      } catch (IOException e) {
        LOG.log(Level.WARNING, "access log close failed", e);
      }
    }
  }
}
