package io.vxmesh.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.IllegalReferenceCountException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelayBuffersTest {

  /** A fresh allocator per test, so that no test sees buffers another kept on this thread. */
  private final RelayBuffers buffers = new RelayBuffers(new UnpooledByteBufAllocator(true));

  @BeforeEach
  void netty_has_unsafe() {
    // The test JVMs run with --sun-misc-unsafe-memory-access=allow, as the launcher's proxies do.
    assumeTrue(RelayBuffers.KEEPS, "Netty has no sun.misc.Unsafe in this JVM: RelayBuffers keeps nothing");
  }

  @ParameterizedTest(name = "{0} bytes: size index {1}")
  @CsvSource({
      "32768, 0", "65536, 1", "131072, 2", "262144, 3",
      "16384, -1", "524288, -1", "49152, -1", "32767, -1", "0, -1", "-65536, -1"})
  void keepsPowersOfTwoFrom32To256KiB(int capacity, int index) {
    assertEquals(index, RelayBuffers.sizeIndex(capacity));
  }

  @Test
  void aReleasedBufferIsTheNextOneOfItsSizeReset() {
    ByteBuf a = buffers.ioBuffer(65536);
    a.writeBytes(new byte[1000]).readerIndex(10);
    long address = a.memoryAddress();
    assertTrue(a.release());
    assertEquals(1, buffers.keptByThisThread(65536));

    ByteBuf b = buffers.ioBuffer(65536);
    assertSame(a, b, "the same buffer comes back");
    assertEquals(address, b.memoryAddress(), "and the same memory");
    assertEquals(1, b.refCnt());
    assertEquals(0, b.readerIndex());
    assertEquals(0, b.writerIndex());
    assertEquals(65536, b.capacity());
    assertEquals(Integer.MAX_VALUE, b.maxCapacity());
    assertSame(buffers, b.alloc());
    assertEquals(0, buffers.keptByThisThread(65536));
    b.release();
  }

  @Test
  void lastInFirstOutAndSizesApart() {
    ByteBuf x = buffers.directBuffer(262144);
    ByteBuf y = buffers.directBuffer(262144);
    ByteBuf small = buffers.directBuffer(32768);
    x.release();
    y.release();
    small.release();
    assertSame(small, buffers.directBuffer(32768, 65536));
    assertSame(y, buffers.directBuffer(262144), "the most recently released first");
    assertSame(x, buffers.ioBuffer(262144, 262144));
    assertNotSame(x, buffers.ioBuffer(262144), "none kept now: a new one");
  }

  @Test
  void keepsAtMostItsDepthPerSize() {
    List<ByteBuf> taken = new ArrayList<>();
    for (int i = 0; i < RelayBuffers.KEPT_PER_SIZE + 3; i++) {
      taken.add(buffers.ioBuffer(131072));
    }
    taken.forEach(ByteBuf::release);
    assertEquals(RelayBuffers.KEPT_PER_SIZE, buffers.keptByThisThread(131072));
    for (ByteBuf b : taken.subList(RelayBuffers.KEPT_PER_SIZE, taken.size())) {
      assertThrows(IllegalReferenceCountException.class, b::retain, "buffers beyond the depth are freed");
    }
  }

  @Test
  void otherSizesComeFromTheFallback() {
    ByteBuf small = buffers.ioBuffer(16384);
    ByteBuf odd = buffers.ioBuffer(100_000);
    ByteBuf big = buffers.ioBuffer(524288);
    ByteBuf heap = buffers.heapBuffer(65536);
    for (ByteBuf b : List.of(small, odd, big, heap)) {
      assertNotSame(buffers, b.alloc(), b.capacity() + " bytes");
      b.release();
    }
    assertFalse(heap.isDirect());
    assertEquals(0, buffers.keptByThisThread(65536), "a heap buffer is never kept");
  }

  @Test
  void aBufferReleasedOnAnotherThreadIsFreedThere() throws Exception {
    ByteBuf b = buffers.ioBuffer(65536);
    CompletableFuture.runAsync(b::release).get();
    assertEquals(0, b.refCnt());
    assertEquals(0, buffers.keptByThisThread(65536));
    assertNotSame(b, buffers.ioBuffer(65536));
  }

  @Test
  void aBufferWhoseCapacityChangedIsNotKept() {
    ByteBuf b = buffers.ioBuffer(32768);
    b.capacity(40000);
    b.release();
    assertEquals(0, buffers.keptByThisThread(32768));
    assertEquals(0, buffers.keptByThisThread(65536));
  }

  @Test
  void aKeptBufferCannotBeReleasedTwice() {
    ByteBuf b = buffers.ioBuffer(65536);
    b.release();
    assertThrows(IllegalReferenceCountException.class, b::release);
    assertEquals(1, buffers.keptByThisThread(65536), "kept once");
  }

  @Test
  void aBufferTakenWithASmallerMaximumGetsIt() {
    ByteBuf b = buffers.ioBuffer(65536);
    b.release();
    ByteBuf again = buffers.ioBuffer(65536, 65536);
    assertSame(b, again);
    assertEquals(65536, again.maxCapacity());
    assertThrows(IndexOutOfBoundsException.class, () -> again.writerIndex(65536).writeByte(1));
    again.release();
  }
}
