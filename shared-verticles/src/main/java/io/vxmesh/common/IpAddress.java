package io.vxmesh.common;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.netty.util.NetUtil;

/**
 * An IPv4 or IPv6 address as two longs, so that comparing and prefix matching allocate nothing.
 * IPv4 sits in the low 32 bits of {@code lo}; IPv4-mapped IPv6 addresses are folded to IPv4.
 * Parsing accepts literals only and never resolves names.
 */
public record IpAddress(boolean v6, long hi, long lo) implements Comparable<IpAddress> {

  /** Parses a literal; returns null when {@code text} is not an IP literal. */
  public static IpAddress parseOrNull(String text) {
    if (text == null) {
      return null;
    }
    String s = text.trim();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone);
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(s);
    return bytes == null ? null : of(bytes);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static IpAddress parse(String text) {
    IpAddress a = parseOrNull(text);
    if (a == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address");
    }
    return a;
  }

  public static IpAddress of(byte[] b) {
    if (b.length == 4) {
      return new IpAddress(false, 0, toLong(b, 0, 4));
    }
    if (b.length == 16) {
      long hi = toLong(b, 0, 8);
      long lo = toLong(b, 8, 8);
      if (hi == 0 && (lo >>> 32) == 0xFFFFL) {
        return new IpAddress(false, 0, lo & 0xFFFFFFFFL);
      }
      return new IpAddress(true, hi, lo);
    }
    throw new IllegalArgumentException("address of " + b.length + " bytes");
  }

  private static long toLong(byte[] b, int off, int len) {
    long v = 0;
    for (int i = 0; i < len; i++) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }

  public byte[] toBytes() {
    if (!v6) {
      return new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
    }
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (hi >>> (56 - 8 * i));
      out[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return out;
  }

  /** The same address as a {@link java.net.InetAddress} (no lookup: built from the bytes). */
  public java.net.InetAddress toInetAddress() {
    try {
      return java.net.InetAddress.getByAddress(toBytes());
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e); // never: toBytes() is 4 or 16 bytes
    }
  }

  public int bits() {
    return v6 ? 128 : 32;
  }

  @JsonValue
  @Override
  public String toString() {
    return NetUtil.bytesToIpAddress(toBytes());
  }

  @Override
  public int compareTo(IpAddress o) {
    if (v6 != o.v6) {
      return v6 ? 1 : -1;
    }
    int c = Long.compareUnsigned(hi, o.hi);
    return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
  }
}
