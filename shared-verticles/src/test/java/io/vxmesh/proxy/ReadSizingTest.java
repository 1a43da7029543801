package io.vxmesh.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReadSizingTest {

  private static final ReadSizing R = ReadSizing.RELAY;

  @ParameterizedTest(name = "at {0}, asked {1}, got {2} -> {3}")
  @CsvSource({
      // a full read grows four times
      "512, 512, 512, 2048",
      "16384, 16384, 16384, 65536",
      "65536, 65536, 65536, 262144",
      // ... up to 256 KiB
      "262144, 262144, 262144, 262144",
      "131072, 131072, 131072, 262144",
      // a partial read: the smallest power of two above what was read
      "512, 512, 100, 128",
      "2048, 2048, 1024, 2048",
      "2048, 2048, 1023, 1024",
      // ... never below 64 bytes
      "512, 512, 1, 64",
      "512, 512, 63, 64",
      // ... and never above 64 KiB, however big the read that drained the socket
      "262144, 262144, 262143, 65536",
      "262144, 262144, 70000, 65536",
      "262144, 262144, 65536, 65536",
      "262144, 262144, 20000, 32768",
      "262144, 262144, 8000, 8192",
      // EOF (-1) and nothing read keep the size
      "65536, 65536, -1, 65536",
      "65536, 65536, 0, 65536",
  })
  void nextSize(int current, int attempted, int read, int expected) {
    assertEquals(expected, R.next(current, attempted, read));
  }

  @Test
  void bulkReachesTheMaximumInAFewReadsAndAnIdleConnectionIsLeftWithASmallBuffer() {
    RecvByteBufAllocator.Handle h = R.newHandle();
    assertEquals(512, h.guess());
    int reads = 0;
    while (h.guess() < 256 * 1024) {
      read(h, h.guess()); // the socket always has more than the buffer holds
      reads++;
    }
    assertEquals(5, reads); // 512, 2 KiB, 8 KiB, 32 KiB, 128 KiB
    read(h, 256 * 1024);
    assertEquals(256 * 1024, h.guess());
    read(h, 200_000); // the read that drains the socket; the next one stays posted while idle
    assertEquals(64 * 1024, h.guess());
    read(h, 64);
    assertEquals(128, h.guess());
  }

  @Test
  void oneReadPerBatch() {
    RecvByteBufAllocator.Handle h = R.newHandle();
    h.reset(new EmbeddedChannel().config()); // auto-read on
    read(h, h.guess());
    h.incMessagesRead(1);
    assertTrue(!h.continueReading(), "each read is written on and flushed before the next");
  }

  @Test
  void inconsistentSizesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ReadSizing(0, 512, 1024, 4096));
    assertThrows(IllegalArgumentException.class, () -> new ReadSizing(64, 32, 1024, 4096));
    assertThrows(IllegalArgumentException.class, () -> new ReadSizing(64, 512, 8192, 4096));
    assertThrows(IllegalArgumentException.class, () -> new ReadSizing(64, 8192, 1024, 4096));
  }

  private static void read(RecvByteBufAllocator.Handle h, int got) {
    ((RecvByteBufAllocator.ExtendedHandle) h).attemptedBytesRead(h.guess());
    h.lastBytesRead(got);
  }
}
