package io.vxmesh.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Buffers for the parser tests, shaped so that a read outside the readable bytes is caught or shows. */
final class Bufs {
  private Bufs() {}

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Exactly the bytes: capacity equals length, so any read past the end throws. */
  static ByteBuf exact(byte[] b) {
    return Unpooled.wrappedBuffer(b);
  }

  static ByteBuf exact(String s) {
    return exact(ascii(s));
  }

  /** The bytes after {@code prefix} filler bytes, the reader index on the first of them. */
  static ByteBuf afterPrefix(byte[] b, int prefix, byte filler) {
    byte[] all = new byte[prefix + b.length];
    Arrays.fill(all, 0, prefix, filler);
    System.arraycopy(b, 0, all, prefix, b.length);
    ByteBuf buf = Unpooled.wrappedBuffer(all);
    buf.readerIndex(prefix);
    return buf;
  }

  /** The bytes as a composite buffer cut at the given offsets (each component exact). */
  static ByteBuf split(byte[] b, int... cuts) {
    CompositeByteBuf c = Unpooled.compositeBuffer(cuts.length + 2);
    int from = 0;
    for (int cut : cuts) {
      int at = Math.max(from, Math.min(cut, b.length));
      if (at > from) {
        c.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(b, from, at)));
      }
      from = at;
    }
    if (from < b.length) {
      c.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(b, from, b.length)));
    }
    return c;
  }

  static byte[] prefix(byte[] b, int n) {
    return Arrays.copyOf(b, n);
  }
}
