package io.vxmesh.proxy.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The server name (SNI, RFC 6066) and ALPN protocols (RFC 7301) of a TLS ClientHello, read from the
 * first bytes a client sends, without consuming them (they are relayed untouched afterwards).
 *
 * <p>The ClientHello may be fragmented over several TLS records (RFC 8446 5.1) and arrive in any
 * number of TCP segments: call {@link #parse} again with more bytes after {@link NeedMore}. Bounded:
 * a handshake body over {@link #MAX_HELLO} bytes is {@link Malformed}; every length field is checked
 * against what encloses it; two extensions of one type are refused. SSLv2-compatible hellos, and
 * anything whose first byte is not the handshake content type (22) followed by version 3.x, are
 * {@link NotTls}.
 */
public final class ClientHello {

  /** Largest ClientHello handshake body taken (record headers not counted). */
  public static final int MAX_HELLO = 16 * 1024;
  /** Largest TLS plaintext record fragment (RFC 8446 5.1). */
  static final int MAX_RECORD = 1 << 14;
  static final int CONTENT_HANDSHAKE = 22;
  static final int HANDSHAKE_CLIENT_HELLO = 1;
  static final int EXT_SERVER_NAME = 0;
  static final int EXT_ALPN = 16;

  private ClientHello() {}

  /** What the bytes at the reader index are. */
  public sealed interface Result {}

  /** Not complete: call again once at least {@code atLeast} bytes are readable from the reader index. */
  public record NeedMore(int atLeast) implements Result {}

  /** The connection does not start with a TLS handshake record. */
  public record NotTls(String why) implements Result {}

  /** A TLS handshake record, but no valid ClientHello. */
  public record Malformed(String why) implements Result {}

  /**
   * A complete, well-formed ClientHello: its server name (lower case; null without a host_name
   * entry), its ALPN protocol names in the client's order (empty without the extension), and its
   * {@code legacy_version} ({@code 0x0303} for TLS 1.2 and 1.3).
   */
  public record Hello(String sni, List<String> alpn, int legacyVersion) implements Result {
    public Hello {
      alpn = List.copyOf(Objects.requireNonNull(alpn, "alpn"));
    }
  }

  /** A broken length or field; internal, never escapes {@link #parse}. */
  private static final class Bad extends Exception {
    Bad(String why) {
      super(why, null, false, false);
    }
  }

  /** Parses the ClientHello at {@code in.readerIndex()}; the reader index is not moved. */
  public static Result parse(ByteBuf in) {
    int base = in.readerIndex();
    int end = in.writerIndex();
    // Walk the records until the whole handshake message has been seen (no copying yet).
    int pos = base;
    int collected = 0;
    int need = 4;
    byte[] header = new byte[4];
    boolean first = true;
    while (true) {
      if (end - pos < 5) {
        if (first && end > pos) {
          Result early = checkFirstBytes(in, pos, end);
          if (early != null) {
            return early;
          }
        }
        return new NeedMore(pos + 5 - base);
      }
      int type = in.getUnsignedByte(pos);
      int major = in.getUnsignedByte(pos + 1);
      int recLen = in.getUnsignedShort(pos + 3);
      if (first) {
        Result early = checkFirstBytes(in, pos, pos + 5);
        if (early != null) {
          return early;
        }
      } else if (type != CONTENT_HANDSHAKE) {
        return new Malformed("a record of content type " + type + " inside the ClientHello");
      } else if (major != 3) {
        return new Malformed("record version " + major + "." + in.getUnsignedByte(pos + 2) + " inside the ClientHello");
      }
      if (recLen == 0) {
        return new Malformed("an empty handshake record");
      }
      if (recLen > MAX_RECORD) {
        return new Malformed("a record of " + recLen + " bytes (more than 2^14)");
      }
      first = false;
      int frag = pos + 5;
      int i = 0;
      while (i < recLen && collected < need) {
        if (collected < 4) {
          if (frag + i >= end) {
            return new NeedMore(frag + i + 1 - base);
          }
          header[collected++] = in.getByte(frag + i);
          i++;
          if (collected == 1 && (header[0] & 0xFF) != HANDSHAKE_CLIENT_HELLO) {
            return new Malformed("the first handshake message is of type " + (header[0] & 0xFF) + ", not a ClientHello");
          }
          if (collected == 4) {
            int len = ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
            if (len > MAX_HELLO) {
              return new Malformed("a ClientHello of " + len + " bytes (more than " + MAX_HELLO + ")");
            }
            need = 4 + len;
          }
        } else {
          int take = Math.min(need - collected, recLen - i);
          if (frag + i + take > end) {
            return new NeedMore(frag + i + take - base);
          }
          collected += take;
          i += take;
        }
      }
      if (collected == need) {
        break;
      }
      pos = frag + recLen;
    }
    // Copy the handshake body out of its records.
    byte[] body = new byte[need - 4];
    pos = base;
    int copied = -4;
    while (copied < body.length) {
      int recLen = in.getUnsignedShort(pos + 3);
      int frag = pos + 5;
      int skip = copied < 0 ? Math.min(-copied, recLen) : 0;
      copied += skip;
      int take = Math.min(recLen - skip, body.length - Math.max(copied, 0));
      if (copied >= 0 && take > 0) {
        in.getBytes(frag + skip, body, copied, take);
        copied += take;
      }
      pos = frag + recLen;
    }
    try {
      return hello(new Reader(body, 0, body.length));
    } catch (Bad e) {
      return new Malformed(e.getMessage());
    }
  }

  /** The first record header (or what has arrived of it): content type 22, version 3.x. */
  private static Result checkFirstBytes(ByteBuf in, int pos, int stop) {
    int type = in.getUnsignedByte(pos);
    if (type != CONTENT_HANDSHAKE) {
      return new NotTls(type >= 0x80 ? "an SSLv2-style record header (" + Http1.hex(type) + ")"
          : "the first byte " + Http1.hex(type) + " is not a TLS handshake record");
    }
    if (stop - pos >= 2 && in.getUnsignedByte(pos + 1) != 3) {
      return new NotTls("record version " + in.getUnsignedByte(pos + 1) + ".x is not TLS");
    }
    return null;
  }

  /** A bounds-checked cursor over a byte range. */
  private static final class Reader {
    private final byte[] b;
    private int pos;
    private final int end;

    Reader(byte[] b, int from, int end) {
      this.b = b;
      this.pos = from;
      this.end = end;
    }

    int remaining() {
      return end - pos;
    }

    int u8(String what) throws Bad {
      need(1, what);
      return b[pos++] & 0xFF;
    }

    int u16(String what) throws Bad {
      need(2, what);
      int v = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
      pos += 2;
      return v;
    }

    void skip(int n, String what) throws Bad {
      need(n, what);
      pos += n;
    }

    /** The next {@code n} bytes as their own reader; this one moves past them. */
    Reader sub(int n, String what) throws Bad {
      need(n, what);
      Reader r = new Reader(b, pos, pos + n);
      pos += n;
      return r;
    }

    String ascii(int n, String what) throws Bad {
      need(n, what);
      String s = new String(b, pos, n, StandardCharsets.ISO_8859_1);
      pos += n;
      return s;
    }

    private void need(int n, String what) throws Bad {
      if (n > end - pos) {
        throw new Bad(what + ": " + n + " bytes needed, " + (end - pos) + " left");
      }
    }
  }

  private static Hello hello(Reader r) throws Bad {
    int legacyVersion = r.u16("legacy_version");
    r.skip(32, "random");
    int sessionIdLen = r.u8("legacy_session_id length");
    if (sessionIdLen > 32) {
      throw new Bad("legacy_session_id of " + sessionIdLen + " bytes (more than 32)");
    }
    r.skip(sessionIdLen, "legacy_session_id");
    int suitesLen = r.u16("cipher_suites length");
    if (suitesLen < 2 || suitesLen % 2 != 0) {
      throw new Bad("cipher_suites length " + suitesLen);
    }
    r.skip(suitesLen, "cipher_suites");
    int compressionLen = r.u8("legacy_compression_methods length");
    if (compressionLen < 1) {
      throw new Bad("no compression methods");
    }
    r.skip(compressionLen, "legacy_compression_methods");
    String sni = null;
    List<String> alpn = List.of();
    if (r.remaining() == 0) {
      return new Hello(null, alpn, legacyVersion);
    }
    int extLen = r.u16("extensions length");
    if (extLen != r.remaining()) {
      throw new Bad("extensions length " + extLen + " but " + r.remaining() + " bytes follow");
    }
    Reader exts = r.sub(extLen, "extensions");
    java.util.BitSet seen = new java.util.BitSet(64);
    while (exts.remaining() > 0) {
      int type = exts.u16("extension type");
      int len = exts.u16("extension length");
      Reader data = exts.sub(len, "extension " + type);
      if (seen.get(type)) {
        throw new Bad("extension " + type + " appears twice");
      }
      seen.set(type);
      if (type == EXT_SERVER_NAME) {
        sni = serverName(data);
      } else if (type == EXT_ALPN) {
        alpn = alpn(data);
      }
    }
    return new Hello(sni, alpn, legacyVersion);
  }

  /** ServerNameList: the first host_name entry, validated and lower-cased; null when there is none. */
  private static String serverName(Reader data) throws Bad {
    if (data.remaining() == 0) {
      return null; // a server's empty extension; tolerated from a client too
    }
    int listLen = data.u16("server_name_list length");
    if (listLen != data.remaining() || listLen == 0) {
      throw new Bad("server_name_list length " + listLen + " in an extension of " + (data.remaining() + 2));
    }
    String found = null;
    while (data.remaining() > 0) {
      int nameType = data.u8("server name type");
      int len = data.u16("server name length");
      if (len == 0) {
        throw new Bad("an empty server name");
      }
      String name = data.ascii(len, "server name");
      if (nameType == 0 && found == null) {
        found = hostName(name);
      }
    }
    return found;
  }

  /** A DNS host name: letters, digits, {@code - _}, dot-separated labels of 1 to 63; at most 253. */
  static String hostName(String name) throws Bad {
    if (name.length() > 253) {
      throw new Bad("a server name of " + name.length() + " characters");
    }
    StringBuilder sb = new StringBuilder(name.length());
    int label = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + 32);
      }
      if (c == '.') {
        if (label == 0) {
          throw new Bad("an empty label in the server name " + Http1.printable(name));
        }
        label = 0;
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
        if (++label > 63) {
          throw new Bad("a label longer than 63 in the server name " + Http1.printable(name));
        }
      } else {
        throw new Bad("invalid character " + Http1.hex(c) + " in the server name " + Http1.printable(name));
      }
      sb.append(c);
    }
    if (label == 0) {
      throw new Bad("the server name " + Http1.printable(name) + " ends in a dot");
    }
    return sb.toString();
  }

  /** ProtocolNameList: one or more non-empty names. */
  private static List<String> alpn(Reader data) throws Bad {
    int listLen = data.u16("protocol_name_list length");
    if (listLen != data.remaining() || listLen < 2) {
      throw new Bad("protocol_name_list length " + listLen);
    }
    List<String> names = new ArrayList<>(4);
    while (data.remaining() > 0) {
      int len = data.u8("protocol name length");
      if (len == 0) {
        throw new Bad("an empty ALPN protocol name");
      }
      names.add(data.ascii(len, "protocol name"));
    }
    return names;
  }
}
