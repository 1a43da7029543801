package io.vxmesh.proxy.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Jazzer target for {@link ChunkedBody#scan}: never throws, never moves the reader index, takes at
 * most what it is shown, and gives the same answer (bytes taken, done, failure) however the bytes
 * are cut into pieces.
 */
class ChunkedBodyFuzzTest {

  @DictionaryFile(resourcePath = "chunked.dict")
  @FuzzTest(maxDuration = "15s")
  void scan(byte[] data) {
    ChunkedBody whole = new ChunkedBody(64, 256);
    long all = take(whole, Bufs.exact(data), data.length);
    int piece = 1 + (data.length == 0 ? 0 : (data[data.length - 1] & 0x0F));
    ChunkedBody pieces = new ChunkedBody(64, 256);
    long sum = 0;
    for (int from = 0; from < data.length; from += piece) {
      int to = Math.min(data.length, from + piece);
      int n = take(pieces, Bufs.afterPrefix(Arrays.copyOfRange(data, from, to), 2, (byte) '\r'), to - from);
      sum += n;
      if (n < to - from) {
        break;
      }
    }
    assertEquals(all, sum, "bytes taken");
    assertEquals(whole.done(), pieces.done());
    assertEquals(whole.failure(), pieces.failure());
    assertEquals(all, whole.consumed());
  }

  private static int take(ChunkedBody body, ByteBuf buf, int readable) {
    int reader = buf.readerIndex();
    int n = body.scan(buf);
    assertEquals(reader, buf.readerIndex(), "reader index moved");
    assertTrue(n >= 0 && n <= readable, n + " of " + readable);
    assertTrue(n == readable || body.done() || body.failed(), "stopped early without an end");
    return n;
  }
}
