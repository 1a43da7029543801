package io.vxmesh.proxy;

import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;

/**
 * How big a buffer each read of a relayed channel gets. A read that fills its buffer (the socket
 * had at least that much queued) makes the next one four times bigger, up to {@code max}; a read
 * that does not (the socket is drained) makes the next one the smallest power of two above what it
 * read, but no bigger than {@code afterPartial}.
 *
 * <p>Two reasons for the shape. Bulk transfers reach {@code max} (256 KiB) within a few reads:
 * in the lab a GiB relayed cost the gateway ~25 % less CPU with 256 KiB reads than with 64 KiB
 * (fewer system calls and completions per byte). And on io_uring a read is posted with its buffer
 * before data arrives, so an idle connection holds one buffer per side, sized by its last read:
 * after a bulk transfer the last read is the partial one that drained the socket, so the buffer
 * left posted is at most {@code afterPartial} (64 KiB, what Netty's adaptive sizing allowed at
 * most before), never the bulk size. Netty's AdaptiveRecvByteBufAllocator shrinks only after two
 * small reads in a row and would leave a bulk-sized buffer posted on every connection gone idle.
 * The cap is not lower because io_uring completes a read with whatever has arrived, so bulk reads
 * are often partial: with a 16 KiB cap, two paired lab runs (gateways warmed with connections
 * first, as in the benchmark) cost 4-8 % more CPU per GiB relayed (medians) than with 64 KiB.
 *
 * <p>One read per batch (Netty's default for a custom allocator): each read is written on and
 * flushed before the next, so a slow peer stops the reading at once (see {@link Relay}).
 */
final class ReadSizing extends DefaultMaxMessagesRecvByteBufAllocator {

  /** The sizing every relayed channel uses: 64 B to 256 KiB, starting at 512, 64 KiB at most after a partial read. */
  static final ReadSizing RELAY = new ReadSizing(64, 512, 64 * 1024, 256 * 1024);

  private final int min;
  private final int initial;
  private final int afterPartial;
  private final int max;

  ReadSizing(int min, int initial, int afterPartial, int max) {
    if (min < 1 || initial < min || afterPartial < min || max < afterPartial || max < initial) {
      throw new IllegalArgumentException("read sizes must be 1 <= min <= initial, afterPartial <= max; got min "
          + min + ", initial " + initial + ", afterPartial " + afterPartial + ", max " + max);
    }
    this.min = min;
    this.initial = initial;
    this.afterPartial = afterPartial;
    this.max = max;
  }

  /** The size of the read after one that asked for {@code attempted} bytes and got {@code read}. */
  int next(int current, int attempted, int read) {
    if (read <= 0) {
      return current; // EOF or nothing: says nothing about the flow
    }
    if (read >= attempted) {
      return (int) Math.min(max, (long) current * 4);
    }
    int above = Integer.highestOneBit(read) << 1; // smallest power of two above read (read < 2^30 here)
    return Math.max(min, Math.min(afterPartial, above));
  }

  @Override
  public Handle newHandle() {
    return new SizingHandle();
  }

  private final class SizingHandle extends MaxMessageHandle {
    private int size = initial;

    @Override
    public int guess() {
      return size;
    }

    @Override
    public void lastBytesRead(int bytes) {
      size = next(size, attemptedBytesRead(), bytes);
      super.lastBytesRead(bytes);
    }
  }
}
