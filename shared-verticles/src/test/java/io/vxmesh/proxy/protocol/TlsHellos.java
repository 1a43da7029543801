package io.vxmesh.proxy.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** Real ClientHellos from the JDK's SSLEngine, and hand-made ones for the cases it never sends. */
final class TlsHellos {
  private TlsHellos() {}

  /**
   * The first flight of a client-mode SSLEngine: its ClientHello record(s), exactly as it would
   * write them to a socket. {@code sni} null for none; {@code alpn} empty for no extension.
   */
  static byte[] jdk(String protocol, String sni, String... alpn) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, null, null);
    SSLEngine engine = ctx.createSSLEngine();
    engine.setUseClientMode(true);
    SSLParameters p = engine.getSSLParameters();
    p.setProtocols(new String[] {protocol});
    if (sni != null) {
      p.setServerNames(List.<SNIServerName>of(new SNIHostName(sni)));
    }
    if (alpn.length > 0) {
      p.setApplicationProtocols(alpn);
    }
    engine.setSSLParameters(p);
    engine.beginHandshake();
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] b = new byte[out.remaining()];
    out.get(b);
    return b;
  }

  /** The handshake message (type, length, body) carried by one or more records. */
  static byte[] handshake(byte[] records) {
    ByteArrayOutputStream hs = new ByteArrayOutputStream();
    int pos = 0;
    while (pos + 5 <= records.length) {
      int len = ((records[pos + 3] & 0xFF) << 8) | (records[pos + 4] & 0xFF);
      hs.write(records, pos + 5, len);
      pos += 5 + len;
    }
    return hs.toByteArray();
  }

  /** The handshake message re-fragmented into records of at most {@code size} bytes each. */
  static byte[] records(byte[] handshake, int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int pos = 0; pos < handshake.length; pos += size) {
      int n = Math.min(size, handshake.length - pos);
      out.write(0x16);
      out.write(3);
      out.write(1);
      out.write(n >> 8);
      out.write(n);
      out.write(handshake, pos, n);
    }
    return out.toByteArray();
  }

  /** A hand-made ClientHello with the given extensions (type, data) in one record. */
  static byte[] hello(List<byte[]> extensions) {
    return records(handshakeOf(body(extensions)), 1 << 14);
  }

  /** A ClientHello body: version 3.3, zero random, 32-byte session id, two suites, null compression. */
  static byte[] body(List<byte[]> extensions) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(3);
    b.write(3);
    b.writeBytes(new byte[32]);
    b.write(32);
    b.writeBytes(new byte[32]);
    b.writeBytes(new byte[] {0, 4, 0x13, 0x01, 0x13, 0x02});
    b.writeBytes(new byte[] {1, 0});
    if (extensions != null) {
      int len = extensions.stream().mapToInt(e -> e.length).sum();
      b.write(len >> 8);
      b.write(len);
      extensions.forEach(b::writeBytes);
    }
    return b.toByteArray();
  }

  static byte[] handshakeOf(byte[] body) {
    byte[] hs = new byte[4 + body.length];
    hs[0] = 1;
    hs[1] = (byte) (body.length >> 16);
    hs[2] = (byte) (body.length >> 8);
    hs[3] = (byte) body.length;
    System.arraycopy(body, 0, hs, 4, body.length);
    return hs;
  }

  /** An extension: type, 2-byte length, data. */
  static byte[] ext(int type, byte[] data) {
    byte[] e = new byte[4 + data.length];
    e[0] = (byte) (type >> 8);
    e[1] = (byte) type;
    e[2] = (byte) (data.length >> 8);
    e[3] = (byte) data.length;
    System.arraycopy(data, 0, e, 4, data.length);
    return e;
  }

  /** A server_name extension with host_name entries (type 0) for every name. */
  static byte[] sni(String... names) {
    List<byte[]> entries = new ArrayList<>();
    for (String n : names) {
      byte[] nb = Bufs.ascii(n);
      byte[] entry = new byte[3 + nb.length];
      entry[1] = (byte) (nb.length >> 8);
      entry[2] = (byte) nb.length;
      System.arraycopy(nb, 0, entry, 3, nb.length);
      entries.add(entry);
    }
    return ext(0, list2(entries));
  }

  /** An ALPN extension naming {@code protocols}. */
  static byte[] alpn(String... protocols) {
    List<byte[]> entries = new ArrayList<>();
    for (String p : protocols) {
      byte[] pb = Bufs.ascii(p);
      byte[] entry = new byte[1 + pb.length];
      entry[0] = (byte) pb.length;
      System.arraycopy(pb, 0, entry, 1, pb.length);
      entries.add(entry);
    }
    return ext(16, list2(entries));
  }

  /** A 2-byte length prefixed concatenation. */
  static byte[] list2(List<byte[]> parts) {
    int len = parts.stream().mapToInt(p -> p.length).sum();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(len >> 8);
    b.write(len);
    parts.forEach(b::writeBytes);
    return b.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    Arrays.stream(parts).forEach(b::writeBytes);
    return b.toByteArray();
  }
}
