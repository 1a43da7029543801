package io.vxmesh.proxy.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkedBodyTest {

  /** Scans {@code bytes} fed in pieces of {@code piece} bytes; returns the scanner and bytes taken. */
  static long feed(ChunkedBody body, byte[] bytes, int piece) {
    long taken = 0;
    for (int from = 0; from < bytes.length && !body.done() && !body.failed(); from += piece) {
      int len = Math.min(piece, bytes.length - from);
      ByteBuf buf = Bufs.afterPrefix(java.util.Arrays.copyOfRange(bytes, from, from + len), 3, (byte) '0');
      int reader = buf.readerIndex();
      int n = body.scan(buf);
      assertEquals(reader, buf.readerIndex(), "reader index moved");
      assertTrue(n >= 0 && n <= len, n + " of " + len);
      taken += n;
      if (n < len) {
        assertTrue(body.done() || body.failed(), "took fewer bytes than shown without ending");
      }
    }
    return taken;
  }

  static String unescape(String s) {
    return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t").replace("\\0", "\0");
  }

  /** Valid bodies, followed by the next message's bytes: the scanner stops exactly at the body's end. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "0\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n6\\r\\n world\\r\\n0\\r\\n\\r\\n",
      "A\\r\\n0123456789\\r\\na\\r\\n0123456789\\r\\n0\\r\\n\\r\\n",
      "000005\\r\\nhello\\r\\n0000\\r\\n\\r\\n",
      "5;name=value\\r\\nhello\\r\\n0;last\\r\\n\\r\\n",
      "5 ;a=\"b c\"\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "5\\t;x\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "3\\r\\n\\r\\n\\r\\r\\n0\\r\\n\\r\\n",
      "1\\r\\nx\\r\\n0\\r\\nExpires: never\\r\\nX-Sum: 1\\r\\n\\r\\n",
      "1\\r\\nx\\r\\n0\\r\\nX-Empty:\\r\\n\\r\\n",
  })
  void findsTheEndOfTheBody(String escaped) {
    byte[] body = Bufs.ascii(unescape(escaped));
    byte[] withNext = TlsHellos.concat(body, Bufs.ascii("GET / HTTP/1.1\r\n"));
    for (int piece : new int[] {withNext.length, 1, 2, 3, 7}) {
      ChunkedBody scanner = new ChunkedBody();
      assertEquals(body.length, feed(scanner, withNext, piece), "pieces of " + piece);
      assertTrue(scanner.done(), "pieces of " + piece);
      assertFalse(scanner.failed());
      assertNull(scanner.failure());
      assertEquals(body.length, scanner.consumed());
    }
    // Every prefix is simply not done yet.
    for (int n = 0; n < body.length; n++) {
      ChunkedBody scanner = new ChunkedBody();
      assertEquals(n, feed(scanner, Bufs.prefix(body, n), Math.max(1, n)));
      assertFalse(scanner.done() || scanner.failed(), "prefix " + n + ": " + scanner.failure());
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "x\\r\\n | chunk size expected",
      "\\r\\n | chunk size expected",
      "-1\\r\\n | chunk size expected",
      "5x\\r\\n | invalid character 0x78 in a chunk size",
      "5\\nhello\\r\\n | invalid character 0x0a",
      "5\\r\\r\\n | bare CR",
      "5 \\r\\nhello\\r\\n0\\r\\n\\r\\n | whitespace after a chunk size",
      "5;a\\0b\\r\\n | invalid character 0x00 in a chunk extension",
      "5;a\\nb\\r\\n | invalid character 0x0a in a chunk extension",
      "5\\r\\nhello!\\r\\n | chunk data longer than its size",
      "5\\r\\nhello\\rx | chunk data not followed by CRLF",
      "5\\r\\nhello\\n0\\r\\n | chunk data longer than its size",
      "8000000000000000\\r\\n | chunk size too large",
      "0\\r\\n X: y\\r\\n\\r\\n | obs-fold",
      "0\\r\\nX : y\\r\\n\\r\\n | whitespace before a trailer colon",
      "0\\r\\nX(y): z\\r\\n\\r\\n | invalid character 0x28 in a trailer name",
      "0\\r\\nX: a\\0\\r\\n\\r\\n | invalid character 0x00 in a trailer value",
      "0\\r\\nX: a\\rb\\r\\n\\r\\n | bare CR in a trailer line",
      "0\\r\\n\\rX | bare CR at the end",
      "0\\r\\n\\n | invalid character 0x0a in a trailer name",
  })
  void refusesMalformedBodies(String escaped, String why) {
    byte[] bytes = Bufs.ascii(unescape(escaped));
    for (int piece : new int[] {bytes.length, 1}) {
      ChunkedBody scanner = new ChunkedBody();
      long taken = feed(scanner, bytes, piece);
      assertTrue(scanner.failed(), escaped + " in pieces of " + piece);
      assertFalse(scanner.done());
      assertTrue(scanner.failure().contains(why), scanner.failure());
      assertTrue(taken < bytes.length);
      // A failed scanner takes nothing more.
      assertEquals(0, scanner.scan(Bufs.exact("0\r\n\r\n")));
    }
  }

  @Test
  void largestChunkSizeIsFollowedWithoutBuffering() {
    ChunkedBody scanner = new ChunkedBody();
    assertEquals(18, scanner.scan(Bufs.exact("7fffffffffffffff\r\n")));
    byte[] data = new byte[1 << 16];
    for (int i = 0; i < 16; i++) {
      assertEquals(data.length, scanner.scan(Bufs.exact(data)));
    }
    assertFalse(scanner.done() || scanner.failed());
  }

  @Test
  void boundedLinesAndTrailers() {
    String ext = ";" + "e".repeat(90);
    ChunkedBody ok = new ChunkedBody(100, 64);
    feed(ok, Bufs.ascii("1" + ext + "\r\nx\r\n0\r\n\r\n"), 5);
    assertTrue(ok.done(), ok.failure());
    ChunkedBody longLine = new ChunkedBody(100, 64);
    feed(longLine, Bufs.ascii("1" + ext + "eeeeeeeeee\r\nx\r\n0\r\n\r\n"), 5);
    assertTrue(longLine.failure().contains("longer than 100"), longLine.failure());
    ChunkedBody trailers = new ChunkedBody(100, 64);
    feed(trailers, Bufs.ascii("0\r\nX: " + "v".repeat(60) + "\r\n\r\n"), 5);
    assertTrue(trailers.failure().contains("larger than 64"), trailers.failure());
    ChunkedBody exactTrailers = new ChunkedBody(100, 64);
    feed(exactTrailers, Bufs.ascii("0\r\nX: " + "v".repeat(57) + "\r\n\r\n"), 5);
    assertTrue(exactTrailers.done(), exactTrailers.failure());
    assertThrows(IllegalArgumentException.class, () -> new ChunkedBody(2, 64));
  }

  @Test
  void aDoneScannerTakesNothingMore() {
    ChunkedBody scanner = new ChunkedBody();
    assertEquals(5, scanner.scan(Bufs.exact("0\r\n\r\n")));
    assertTrue(scanner.done());
    assertEquals(0, scanner.scan(Bufs.exact("0\r\n\r\n")));
  }
}
