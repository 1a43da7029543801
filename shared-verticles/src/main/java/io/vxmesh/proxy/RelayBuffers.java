package io.vxmesh.proxy;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledUnsafeDirectByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;

/**
 * The allocator of relayed channels: the default one (Netty's {@link AbstractByteBufAllocator} turns
 * every request into a direct or heap buffer of a given size), except that the big read buffers
 * {@link ReadSizing} asks for (powers of two from 32 KiB to 256 KiB) are kept for reuse by the
 * thread that released them, last in, first out, up to {@value #KEPT_PER_SIZE} of each size per
 * thread.
 *
 * <p>Why: Netty's default allocator, under the launcher's heap of 256 MiB, runs in its low-memory
 * mode and pools buffers up to 16,896 bytes only; every bigger read got a fresh direct buffer, which
 * the JDK zeroes before the kernel overwrites it (7 % of the gateway's CPU in a lab profile of bulk
 * relaying with 256 KiB reads), and freed it again once written on. A relay's read buffer lives from
 * its read to the end of the write it becomes, on the same event loop, so a short stack per thread
 * recycles nearly all of them, and the buffer taken is the one most recently written from, still in
 * the CPU's cache. Netty's pooled allocator, tried on the same channels, was slower: its per-thread
 * caches hand buffers out first in, first out.
 *
 * <p>A buffer released on another thread, or whose capacity was changed, or beyond the stack's
 * depth, is freed as usual. What a thread keeps is at most {@value #KEPT_PER_SIZE} x (32 + 64 + 128
 * + 256) KiB, counted in the direct-memory limit like any direct buffer. The kept buffers are
 * Netty's Unsafe-addressed ones, as the launcher allows ({@code --sun-misc-unsafe-memory-access=allow});
 * in a JVM where Netty has no Unsafe, every buffer comes from the fallback.
 */
final class RelayBuffers extends AbstractByteBufAllocator {

  /** What every relayed channel allocates from: Vert.x's (Netty's adaptive) allocator behind the stacks. */
  static final RelayBuffers RELAY = new RelayBuffers(VertxByteBufAllocator.POOLED_ALLOCATOR);

  static final int SMALLEST = 32 * 1024;
  static final int LARGEST = 256 * 1024;
  static final int KEPT_PER_SIZE = 4;
  /** Whether buffers are kept at all: {@link UnpooledUnsafeDirectByteBuf} needs Netty's Unsafe. */
  static final boolean KEEPS = PlatformDependent.hasUnsafe();
  private static final int SMALLEST_SHIFT = Integer.numberOfTrailingZeros(SMALLEST);
  private static final int SIZES = Integer.numberOfTrailingZeros(LARGEST) - SMALLEST_SHIFT + 1;

  private final ByteBufAllocator fallback;
  private final FastThreadLocal<Kept> kept = new FastThreadLocal<>() {
    @Override
    protected Kept initialValue() {
      return new Kept(Thread.currentThread());
    }

    @Override
    protected void onRemoval(Kept k) {
      k.freeAll();
    }
  };

  RelayBuffers(ByteBufAllocator fallback) {
    super(true); // direct buffers first, as the fallback
    this.fallback = fallback;
  }

  /** The index of a size this allocator keeps, or -1. */
  static int sizeIndex(int capacity) {
    if (capacity < SMALLEST || capacity > LARGEST || Integer.bitCount(capacity) != 1) {
      return -1;
    }
    return Integer.numberOfTrailingZeros(capacity) - SMALLEST_SHIFT;
  }

  private ByteBuf direct(int initialCapacity, int maxCapacity) {
    int index = sizeIndex(initialCapacity);
    if (index < 0 || maxCapacity < initialCapacity || !KEEPS) {
      return fallback.directBuffer(initialCapacity, maxCapacity);
    }
    Kept k = kept.get();
    Buffer b = k.take(index);
    if (b == null) {
      return new Buffer(this, initialCapacity, maxCapacity, k);
    }
    b.reuse(maxCapacity);
    return b;
  }

  /** How many buffers of {@code capacity} the calling thread keeps now (for tests). */
  int keptByThisThread(int capacity) {
    int index = sizeIndex(capacity);
    return index < 0 ? 0 : kept.get().count[index];
  }

  /** One thread's stacks, one per size. Touched only by its thread. */
  private static final class Kept {
    final Thread owner;
    final Buffer[][] stacks = new Buffer[SIZES][KEPT_PER_SIZE];
    final int[] count = new int[SIZES];

    Kept(Thread owner) {
      this.owner = owner;
    }

    Buffer take(int index) {
      int n = count[index];
      if (n == 0) {
        return null;
      }
      Buffer b = stacks[index][--n];
      stacks[index][n] = null;
      count[index] = n;
      return b;
    }

    boolean offer(Buffer b) {
      if (Thread.currentThread() != owner) {
        return false;
      }
      int index = b.sizeIndex;
      if (b.capacity() != SMALLEST << index || count[index] == KEPT_PER_SIZE) {
        return false; // resized since, or the stack is full
      }
      stacks[index][count[index]++] = b;
      return true;
    }

    void freeAll() {
      for (int i = 0; i < SIZES; i++) {
        while (count[i] > 0) {
          take(i).free();
        }
      }
    }
  }

  /** A direct buffer that goes back to its thread's stack when released there. */
  private static final class Buffer extends UnpooledUnsafeDirectByteBuf {
    private final Kept home;
    private final int sizeIndex;

    Buffer(ByteBufAllocator alloc, int capacity, int maxCapacity, Kept home) {
      super(alloc, capacity, maxCapacity);
      this.home = home;
      this.sizeIndex = sizeIndex(capacity);
    }

    void reuse(int maxCapacity) {
      resetRefCnt();
      maxCapacity(maxCapacity);
      clear();
      markReaderIndex();
      markWriterIndex();
    }

    @Override
    protected void deallocate() {
      if (!home.offer(this)) {
        super.deallocate();
      }
    }

    void free() {
      super.deallocate();
    }
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return direct(initialCapacity, maxCapacity);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return fallback.heapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return true;
  }
}
