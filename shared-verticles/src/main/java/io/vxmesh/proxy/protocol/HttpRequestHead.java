package io.vxmesh.proxy.protocol;

import static io.vxmesh.proxy.protocol.Http1.CR;
import static io.vxmesh.proxy.protocol.Http1.LF;
import static io.vxmesh.proxy.protocol.Http1.SP;
import static io.vxmesh.proxy.protocol.Http1.u8;

import io.netty.buffer.ByteBuf;
import io.vxmesh.proxy.protocol.Http1.BadMessage;
import java.util.Locale;
import java.util.Objects;

/**
 * The head of an HTTP/1.0 or HTTP/1.1 request (RFC 9112), parsed from the first bytes of a
 * connection or the bytes after the previous request's body, for an HTTP/1.1 proxy that forwards
 * the bytes unchanged.
 *
 * <p>Strict where request smuggling lives: line endings are CRLF only (a bare LF or bare CR is
 * {@link Malformed}); no whitespace before a header colon; no obs-fold; header names are tokens;
 * header values carry no control characters but HTAB; Content-Length is digits only, and several
 * values must agree; Content-Length together with Transfer-Encoding is refused, and so is a
 * Transfer-Encoding whose final coding is not {@code chunked}, or any Transfer-Encoding in an
 * HTTP/1.0 request; an HTTP/1.1 request needs exactly one valid Host, any request at most one.
 * Up to {@link Http1#MAX_HEADERS} (100) header fields; the head's size is bounded by the caller.
 * Empty lines (CRLF) before the request line are skipped (RFC 9112 2.2) and counted in
 * {@code length}. The target is kept as sent: {@link Head#path()} is neither percent-decoded nor
 * dot-segment normalised (a fragment, {@code #}, is refused).
 *
 * <p>No state is kept between calls: each call reads the head again from the reader index, so a
 * caller that calls it as segments arrive pays for the bytes already seen each time; the head size
 * limit and the caller's detection timeout bound that work.
 */
public final class HttpRequestHead {

  /** Longest method token taken for an HTTP method; a longer first token is {@link NotHttp}. */
  public static final int MAX_METHOD = 24;

  private HttpRequestHead() {}

  /** What the bytes at the reader index are. */
  public sealed interface Result {}

  /** The head is not complete: call again once at least {@code atLeast} bytes are readable. */
  public record NeedMore(int atLeast) implements Result {}

  /** The first bytes are not an HTTP/1 request line at all (raw TCP, TLS, another protocol). */
  public record NotHttp(String why) implements Result {}

  /** An HTTP request, but one the proxy must refuse (answer 400 and close). */
  public record Malformed(String why) implements Result {}

  /**
   * A complete, valid request head: {@code length} bytes from the reader index, CRLFCRLF included.
   * The request target is as received; the helpers interpret it.
   */
  public record Head(String method, String target, HttpVersion version, Headers headers, int length)
      implements Result {
    public Head {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(headers, "headers");
    }

    /** The first value of a header field (names case-insensitive), or null. */
    public String header(String name) {
      return headers.get(name);
    }

    /**
     * Where the request goes, lower-cased, with the port when one was given: for an absolute-form
     * target its authority, for CONNECT its target, else the Host header (null without one).
     */
    public String host() {
      String h;
      if (isAbsoluteForm(target)) {
        h = authorityOf(target);
      } else if (method.equals("CONNECT")) {
        h = target;
      } else {
        h = headers.get("host");
      }
      return h == null ? null : h.toLowerCase(Locale.ROOT);
    }

    /**
     * The target without its query: for origin-form {@code /a/b?x} it is {@code /a/b}; an
     * absolute-form target is reduced to its path ({@code /} when it has none); {@code *} for
     * asterisk-form; the empty string for CONNECT's authority-form.
     */
    public String path() {
      String p = target;
      if (method.equals("CONNECT") && !p.startsWith("/")) {
        return "";
      }
      if (isAbsoluteForm(p)) {
        int start = p.indexOf("://") + 3;
        int slash = start;
        while (slash < p.length() && p.charAt(slash) != '/' && p.charAt(slash) != '?') {
          slash++;
        }
        p = slash < p.length() && p.charAt(slash) == '/' ? p.substring(slash) : "/" + p.substring(slash);
      }
      int q = p.indexOf('?');
      return q < 0 ? p : p.substring(0, q);
    }

    /** The query string after {@code ?} (without it), or null when the target has none. */
    public String query() {
      int q = target.indexOf('?');
      return q < 0 ? null : target.substring(q + 1);
    }

    /** How the request's body is delimited: {@code None}, {@code ContentLength} or {@code Chunked}. */
    public BodyFraming bodyFraming() {
      try {
        return framing(version, headers);
      } catch (BadMessage e) {
        throw new IllegalStateException("inconsistent request head: " + e.getMessage());
      }
    }

    /** HTTP/1.1: on unless {@code Connection: close}; HTTP/1.0: off unless {@code Connection: keep-alive}. */
    public boolean keepAlive() {
      return Http1.keepAlive(version, headers);
    }

    /** An HTTP/1.1 request with {@code Expect: 100-continue}. */
    public boolean expectsContinue() {
      if (version != HttpVersion.HTTP_1_1) {
        return false;
      }
      String e = headers.get("expect");
      return e != null && e.equalsIgnoreCase("100-continue");
    }
  }

  /**
   * Parses the request head at {@code in.readerIndex()} without moving the reader index.
   * {@code maxHeadBytes} bounds the head (empty lines before it included): a head that has not
   * ended within it is {@link Malformed}.
   */
  public static Result parse(ByteBuf in, int maxHeadBytes) {
    if (maxHeadBytes <= 0) {
      throw new IllegalArgumentException("maxHeadBytes must be positive: " + maxHeadBytes);
    }
    try {
      return parseChecked(in, maxHeadBytes);
    } catch (NotHttpException e) {
      return new NotHttp(e.getMessage());
    } catch (BadMessage e) {
      return new Malformed(e.getMessage());
    }
  }

  /** Not a request line at all; internal, never escapes {@link #parse}. */
  private static final class NotHttpException extends Exception {
    NotHttpException(String why) {
      super(why, null, false, false);
    }
  }

  private static Result parseChecked(ByteBuf in, int max) throws BadMessage, NotHttpException {
    int base = in.readerIndex();
    int end = in.writerIndex();
    int hardEnd = (int) Math.min(end, (long) base + max);
    int pos = base;
    while (pos + 1 < hardEnd && in.getByte(pos) == CR && in.getByte(pos + 1) == LF) {
      pos += 2;
    }
    if (pos == hardEnd || (pos + 1 == hardEnd && in.getByte(pos) == CR)) {
      return more(end, base, max);
    }
    int lf = in.indexOf(pos, hardEnd, LF);
    boolean partial = lf < 0;
    int stop = partial ? hardEnd : lf;

    // method SP
    int i = pos;
    while (i < stop && i - pos <= MAX_METHOD && Http1.isTchar(u8(in, i))) {
      i++;
    }
    if (i - pos > MAX_METHOD) {
      throw new NotHttpException("the first token is longer than an HTTP method (" + MAX_METHOD + ")");
    }
    if (i == pos) {
      throw new NotHttpException("the first byte " + Http1.hex(u8(in, pos)) + " cannot start an HTTP method");
    }
    if (i == stop) {
      if (partial) {
        return more(end, base, max);
      }
      throw new NotHttpException("the first line has no request target");
    }
    if (u8(in, i) != SP) {
      throw new NotHttpException("the method is followed by " + Http1.hex(u8(in, i)) + ", not a space");
    }

    // request-target SP
    int t = i + 1;
    int j = t;
    while (j < stop && Http1.isVchar(u8(in, j))) {
      j++;
    }
    if (j == stop || (u8(in, j) == CR && j == stop - 1)) {
      if (partial) {
        return more(end, base, max);
      }
      throw new NotHttpException("the first line has no HTTP version");
    }
    if (u8(in, j) != SP) {
      throw new NotHttpException("invalid byte " + Http1.hex(u8(in, j)) + " in the request target");
    }
    if (j == t) {
      throw new NotHttpException("empty request target");
    }

    // HTTP-version CRLF
    int v = j + 1;
    String prefix = "HTTP/";
    for (int k = 0; k < prefix.length(); k++) {
      if (v + k == stop) {
        if (partial) {
          return more(end, base, max);
        }
        throw new NotHttpException("the first line does not end in an HTTP version");
      }
      if (u8(in, v + k) != prefix.charAt(k)) {
        throw new NotHttpException("the first line does not end in an HTTP version");
      }
    }
    if (partial) {
      if (stop - v > "HTTP/1.1\r".length()) {
        throw new BadMessage("invalid HTTP version " + Http1.printable(Http1.ascii(in, v, stop)));
      }
      return more(end, base, max);
    }
    if (u8(in, lf - 1) != CR) {
      throw new BadMessage("bare LF line ending after the request line");
    }
    HttpVersion version = Http1.version(Http1.ascii(in, v, lf - 1));
    String method = Http1.ascii(in, pos, i);
    String target = Http1.ascii(in, t, j);

    Http1.Section section = Http1.fields(in, base, lf + 1, max, "request");
    if (section instanceof Http1.SectionNeedMore(int atLeast)) {
      return new NeedMore(atLeast);
    }
    Http1.SectionDone done = (Http1.SectionDone) section;
    Headers headers = done.headers();
    checkTarget(method, target);
    checkHost(version, headers);
    framing(version, headers);
    return new Head(method, target, version, headers, done.length());
  }

  private static NeedMore more(int end, int base, int max) throws BadMessage {
    return new NeedMore(Http1.needMore(end, base, max, "request").atLeast());
  }

  static BodyFraming framing(HttpVersion version, Headers headers) throws BadMessage {
    Http1.Coding coding = Http1.transferCoding(headers);
    long length = Http1.contentLength(headers);
    if (coding != Http1.Coding.ABSENT) {
      if (length >= 0) {
        throw new BadMessage("both Content-Length and Transfer-Encoding");
      }
      if (version == HttpVersion.HTTP_1_0) {
        throw new BadMessage("Transfer-Encoding in an HTTP/1.0 request");
      }
      if (coding != Http1.Coding.CHUNKED) {
        throw new BadMessage("the final transfer coding of a request must be chunked");
      }
      return BodyFraming.CHUNKED;
    }
    return length >= 0 ? new BodyFraming.ContentLength(length) : BodyFraming.NONE;
  }

  private static void checkTarget(String method, String target) throws BadMessage {
    if (method.equals("CONNECT")) {
      Http1.checkAuthority(target, true, "CONNECT target");
      return;
    }
    if (target.equals("*")) {
      if (!method.equals("OPTIONS")) {
        throw new BadMessage("the asterisk target is for OPTIONS only");
      }
      return;
    }
    if (target.indexOf('#') >= 0) {
      throw new BadMessage("a fragment in the request target");
    }
    if (target.startsWith("/")) {
      return;
    }
    if (isAbsoluteForm(target)) {
      String scheme = target.substring(0, target.indexOf(':')).toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new BadMessage("unsupported scheme in the request target: " + Http1.printable(scheme));
      }
      String authority = authorityOf(target);
      if (authority.indexOf('@') >= 0) {
        throw new BadMessage("userinfo in the request target");
      }
      Http1.checkAuthority(authority, false, "request target authority");
      return;
    }
    throw new BadMessage("invalid request target " + Http1.printable(target));
  }

  private static void checkHost(HttpVersion version, Headers headers) throws BadMessage {
    int hosts = headers.count("host");
    if (hosts > 1) {
      throw new BadMessage("more than one Host header");
    }
    if (hosts == 0) {
      if (version == HttpVersion.HTTP_1_1) {
        throw new BadMessage("HTTP/1.1 request without a Host header");
      }
      return;
    }
    String host = headers.get("host");
    if (!host.isEmpty()) {
      Http1.checkAuthority(host, false, "Host header");
    }
  }

  /** {@code scheme "://"} with a scheme of letters, digits, {@code + - .}, starting with a letter. */
  static boolean isAbsoluteForm(String target) {
    int sep = target.indexOf("://");
    if (sep <= 0) {
      return false;
    }
    char c0 = target.charAt(0);
    if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z'))) {
      return false;
    }
    for (int i = 1; i < sep; i++) {
      char c = target.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  /** The authority of an absolute-form target (between {@code ://} and the path or query). */
  static String authorityOf(String target) {
    int start = target.indexOf("://") + 3;
    int e = start;
    while (e < target.length() && target.charAt(e) != '/' && target.charAt(e) != '?') {
      e++;
    }
    return target.substring(start, e);
  }
}
