package io.vxmesh.proxy.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The properties every head parser must have, for any bytes (the fuzz targets and the unit tests
 * share them): it returns, never throws; it leaves the reader and writer index alone; its answer
 * depends only on the readable bytes (not on bytes before the reader index, not on how the bytes
 * are split into buffers); NeedMore asks for more than is there; a complete head's length lies
 * within the bytes, and the head alone parses to the same answer.
 */
final class ParserChecks {
  private ParserChecks() {}

  static <R> R check(byte[] data, Function<ByteBuf, R> parser) {
    ByteBuf exact = Bufs.exact(data);
    R r = parseUnmoved(exact, parser);
    assertEquals(r, parseUnmoved(Bufs.afterPrefix(data, 7, (byte) 0), parser), "bytes before the reader index");
    assertEquals(r, parseUnmoved(Bufs.afterPrefix(data, 7, (byte) '\n'), parser), "bytes before the reader index");
    assertEquals(r, parseUnmoved(Bufs.split(data, data.length / 2), parser), "split in two");
    assertEquals(r, parseUnmoved(Bufs.split(data, 1, data.length / 3, data.length - 1), parser), "split in four");
    int needed = switch (r) {
      case HttpRequestHead.NeedMore(int atLeast) -> atLeast;
      case HttpResponseHead.NeedMore(int atLeast) -> atLeast;
      case ClientHello.NeedMore(int atLeast) -> atLeast;
      default -> -1;
    };
    if (needed >= 0) {
      assertTrue(needed > data.length, "NeedMore(" + needed + ") with " + data.length + " bytes readable");
    }
    int length = switch (r) {
      case HttpRequestHead.Head h -> h.length();
      case HttpResponseHead.Head h -> h.length();
      default -> -1;
    };
    if (length >= 0) {
      assertTrue(length > 0 && length <= data.length, "head length " + length + " of " + data.length);
      assertEquals(r, parseUnmoved(Bufs.exact(Arrays.copyOf(data, length)), parser), "the head alone");
    }
    return r;
  }

  private static <R> R parseUnmoved(ByteBuf buf, Function<ByteBuf, R> parser) {
    int reader = buf.readerIndex();
    int writer = buf.writerIndex();
    R r = parser.apply(buf);
    assertEquals(reader, buf.readerIndex(), "reader index moved");
    assertEquals(writer, buf.writerIndex(), "writer index moved");
    return r;
  }
}
