package io.vxmesh.proxy.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The grammar HTTP/1 requests and responses share (RFC 9110/9112): tokens, field lines, the header
 * section, Content-Length and Transfer-Encoding. Package-private; the public face is
 * {@link HttpRequestHead} and {@link HttpResponseHead}.
 */
final class Http1 {
  static final byte CR = '\r';
  static final byte LF = '\n';
  static final int SP = ' ';
  static final int HTAB = '\t';

  /** Most header field lines a head may carry. */
  static final int MAX_HEADERS = 100;

  private static final boolean[] TCHAR = new boolean[256];

  static {
    for (int c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 'a' + 'A'] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  private Http1() {}

  /**
   * A message that breaks the grammar; thrown and caught inside the parsers only (it never escapes
   * a {@code parse}), without a stack trace.
   */
  static final class BadMessage extends Exception {
    BadMessage(String why) {
      super(why, null, false, false);
    }
  }

  static int u8(ByteBuf in, int index) {
    return in.getByte(index) & 0xFF;
  }

  static boolean isTchar(int b) {
    return TCHAR[b & 0xFF];
  }

  /** A visible US-ASCII character (what a request target may contain). */
  static boolean isVchar(int b) {
    return b > 0x20 && b < 0x7F;
  }

  /** field-vchar / SP / HTAB, obs-text included (RFC 9110 5.5). */
  static boolean isFieldValueByte(int b) {
    return b == HTAB || (b >= 0x20 && b != 0x7F);
  }

  static String hex(int b) {
    return String.format("0x%02x", b & 0xFF);
  }

  static String ascii(ByteBuf in, int from, int to) {
    return in.toString(from, to - from, StandardCharsets.ISO_8859_1);
  }

  /**
   * Checks the field line at {@code [start, stop)}: the whole line without its CRLF when
   * {@code partial} is false, else what has arrived of it so far (a final CR is then allowed).
   */
  static void checkFieldLine(ByteBuf in, int start, int stop, boolean partial) throws BadMessage {
    if (start == stop) {
      return;
    }
    int b0 = u8(in, start);
    if (b0 == SP || b0 == HTAB) {
      throw new BadMessage("obs-fold: a header line starts with whitespace");
    }
    int i = start;
    while (i < stop) {
      int b = u8(in, i);
      if (b == ':') {
        break;
      }
      if (!isTchar(b)) {
        if (b == SP || b == HTAB) {
          throw new BadMessage("whitespace between a header name and its colon");
        }
        if (partial && b == CR && i == stop - 1) {
          return;
        }
        throw new BadMessage(b == CR ? "bare CR in a header line" : "invalid character " + hex(b) + " in a header name");
      }
      i++;
    }
    if (i == stop) {
      if (partial) {
        return;
      }
      throw new BadMessage("header line without a colon");
    }
    if (i == start) {
      throw new BadMessage("header line with an empty name");
    }
    for (int j = i + 1; j < stop; j++) {
      int b = u8(in, j);
      if (!isFieldValueByte(b)) {
        if (partial && b == CR && j == stop - 1) {
          return;
        }
        throw new BadMessage(b == CR ? "bare CR in a header value" : "invalid character " + hex(b) + " in a header value");
      }
    }
  }

  /** The field line {@code [start, stop)}, already checked by {@link #checkFieldLine}. */
  static Headers.Field field(ByteBuf in, int start, int stop) {
    int colon = in.indexOf(start, stop, (byte) ':');
    int v = colon + 1;
    int e = stop;
    while (v < e && isOws(u8(in, v))) {
      v++;
    }
    while (e > v && isOws(u8(in, e - 1))) {
      e--;
    }
    return new Headers.Field(ascii(in, start, colon), ascii(in, v, e));
  }

  private static boolean isOws(int b) {
    return b == SP || b == HTAB;
  }

  /** Where a head ends, or why it cannot be told yet. */
  sealed interface Section {}

  /** Not complete yet: at least {@code atLeast} readable bytes (from the reader index) are needed. */
  record SectionNeedMore(int atLeast) implements Section {}

  /** The header section ended: the fields and the head length (reader index to after CRLFCRLF). */
  record SectionDone(Headers headers, int length) implements Section {}

  /**
   * Reads header field lines from {@code from} (the start of a line) up to the empty line that ends
   * the head. {@code base} is the reader index; the head may not be longer than {@code max}.
   */
  static Section fields(ByteBuf in, int base, int from, int max, String what) throws BadMessage {
    int end = in.writerIndex();
    int hardEnd = (int) Math.min(end, (long) base + max);
    List<Headers.Field> list = new ArrayList<>();
    int pos = from;
    while (true) {
      int lf = pos >= hardEnd ? -1 : in.indexOf(pos, hardEnd, LF);
      if (lf < 0) {
        checkFieldLine(in, pos, hardEnd, true);
        return needMore(end, base, max, what);
      }
      if (lf == pos || in.getByte(lf - 1) != CR) {
        throw new BadMessage("bare LF line ending in the " + what + " head");
      }
      int stop = lf - 1;
      if (stop == pos) {
        return new SectionDone(Headers.of(list), lf + 1 - base);
      }
      if (list.size() == MAX_HEADERS) {
        throw new BadMessage("more than " + MAX_HEADERS + " header fields");
      }
      checkFieldLine(in, pos, stop, false);
      list.add(field(in, pos, stop));
      pos = lf + 1;
    }
  }

  /** The answer when the head has not ended in what has arrived. */
  static SectionNeedMore needMore(int end, int base, int max, String what) throws BadMessage {
    if ((long) end - base >= max) {
      throw new BadMessage(what + " head is larger than " + max + " bytes");
    }
    return new SectionNeedMore(end - base + 1);
  }

  /**
   * The Content-Length of a message: -1 when absent; the one value when every line (and every
   * comma-separated element) says the same; else a {@link BadMessage}.
   */
  static long contentLength(Headers headers) throws BadMessage {
    long found = -1;
    for (Headers.Field f : headers.fields()) {
      if (!f.name().equalsIgnoreCase("content-length")) {
        continue;
      }
      for (String element : f.value().split(",", -1)) {
        long n = digits(element.strip());
        if (found >= 0 && n != found) {
          throw new BadMessage("Content-Length values differ (" + found + " and " + n + ")");
        }
        found = n;
      }
    }
    return found;
  }

  private static long digits(String s) throws BadMessage {
    if (s.isEmpty() || s.length() > 18) {
      throw new BadMessage(s.isEmpty() ? "empty Content-Length" : "Content-Length too large: " + s);
    }
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw new BadMessage("Content-Length is not a number: " + s);
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** What the Transfer-Encoding header fields say. */
  enum Coding {
    /** No Transfer-Encoding field. */
    ABSENT,
    /** chunked is the final coding (and is applied once). */
    CHUNKED,
    /** There are codings, but chunked is not the final one. */
    NOT_CHUNKED
  }

  static Coding transferCoding(Headers headers) throws BadMessage {
    List<String> codings = new ArrayList<>(2);
    boolean present = false;
    for (Headers.Field f : headers.fields()) {
      if (!f.name().equalsIgnoreCase("transfer-encoding")) {
        continue;
      }
      present = true;
      for (String element : f.value().split(",", -1)) {
        String c = element.strip();
        if (c.isEmpty()) {
          continue;
        }
        for (int i = 0; i < c.length(); i++) {
          if (!isTchar(c.charAt(i))) {
            throw new BadMessage("unsupported transfer coding: " + c);
          }
        }
        codings.add(c.toLowerCase(Locale.ROOT));
      }
    }
    if (!present) {
      return Coding.ABSENT;
    }
    if (codings.isEmpty()) {
      throw new BadMessage("empty Transfer-Encoding");
    }
    int chunked = 0;
    for (String c : codings) {
      if (c.equals("chunked")) {
        chunked++;
      }
    }
    if (chunked > 1) {
      throw new BadMessage("chunked applied more than once");
    }
    if (chunked == 1 && !codings.getLast().equals("chunked")) {
      throw new BadMessage("chunked is not the final transfer coding");
    }
    return chunked == 1 ? Coding.CHUNKED : Coding.NOT_CHUNKED;
  }

  /** Whether the connection persists after this message, per version and the Connection field. */
  static boolean keepAlive(HttpVersion version, Headers headers) {
    if (headers.hasToken("connection", "close")) {
      return false;
    }
    return version == HttpVersion.HTTP_1_1 || headers.hasToken("connection", "keep-alive");
  }

  static HttpVersion version(String text) throws BadMessage {
    return switch (text) {
      case "HTTP/1.1" -> HttpVersion.HTTP_1_1;
      case "HTTP/1.0" -> HttpVersion.HTTP_1_0;
      default -> throw new BadMessage("unsupported HTTP version " + printable(text));
    };
  }

  /** A bounded, printable rendering of untrusted text for error messages. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), 64) + 2).append('"');
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02x", (int) c & 0xFF));
    }
    return sb.append(s.length() > 64 ? "...\"" : "\"").toString();
  }

  /**
   * Checks {@code host [":" port]} (RFC 9110 7.2 / RFC 3986 authority without userinfo): a reg-name,
   * IPv4 address or bracketed IP literal, and an optional decimal port. {@code portRequired} for
   * CONNECT targets.
   */
  static void checkAuthority(String s, boolean portRequired, String what) throws BadMessage {
    int i = 0;
    int n = s.length();
    if (n == 0) {
      throw new BadMessage("empty " + what);
    }
    if (s.charAt(0) == '[') {
      int close = s.indexOf(']');
      if (close < 2) {
        throw new BadMessage("invalid IP literal in " + what + ": " + printable(s));
      }
      for (int k = 1; k < close; k++) {
        char c = s.charAt(k);
        if (!(isHex(c) || c == ':' || c == '.' || c == 'v' || c == 'V')) {
          throw new BadMessage("invalid IP literal in " + what + ": " + printable(s));
        }
      }
      i = close + 1;
    } else {
      while (i < n && s.charAt(i) != ':') {
        char c = s.charAt(i);
        if (!isRegNameChar(c)) {
          throw new BadMessage("invalid character " + hex(c) + " in " + what + ": " + printable(s));
        }
        i++;
      }
      if (i == 0) {
        throw new BadMessage("empty host in " + what + ": " + printable(s));
      }
    }
    if (i == n) {
      if (portRequired) {
        throw new BadMessage(what + " without a port: " + printable(s));
      }
      return;
    }
    if (s.charAt(i) != ':') {
      throw new BadMessage("invalid " + what + ": " + printable(s));
    }
    int digits = n - i - 1;
    if (digits > 5 || (digits == 0 && portRequired)) {
      throw new BadMessage("invalid port in " + what + ": " + printable(s));
    }
    for (int k = i + 1; k < n; k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') {
        throw new BadMessage("invalid port in " + what + ": " + printable(s));
      }
    }
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** unreserved / pct-encoded / sub-delims (RFC 3986 reg-name). */
  private static boolean isRegNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "-._~%!$&'()*+,;=".indexOf(c) >= 0;
  }
}
