package io.vxmesh.proxy.protocol;

import static io.vxmesh.proxy.protocol.Http1.CR;
import static io.vxmesh.proxy.protocol.Http1.LF;
import static io.vxmesh.proxy.protocol.Http1.SP;
import static io.vxmesh.proxy.protocol.Http1.u8;

import io.netty.buffer.ByteBuf;
import io.vxmesh.proxy.protocol.Http1.BadMessage;
import java.util.Objects;

/**
 * The head of an HTTP/1.0 or HTTP/1.1 response (RFC 9112): status line and header fields, and how
 * the body that follows is delimited, which depends on the request it answers ({@code HEAD},
 * {@code CONNECT}).
 *
 * <p>The same field grammar as {@link HttpRequestHead} (CRLF only, no obs-fold, no whitespace
 * before a colon, tokens for names, at most 100 fields); Content-Length together with
 * Transfer-Encoding is {@link Malformed} (a desynchronisation risk a proxy must not forward).
 * The status line must be {@code HTTP/1.x SP 3DIGIT SP reason}; a missing reason phrase, with or
 * without its space, is accepted. A {@code 1xx} head is returned as it is: the caller forwards it
 * and parses the next head that follows.
 */
public final class HttpResponseHead {

  private HttpResponseHead() {}

  /** What the bytes at the reader index are. */
  public sealed interface Result {}

  /** The head is not complete: call again once at least {@code atLeast} bytes are readable. */
  public record NeedMore(int atLeast) implements Result {}

  /** Not a valid HTTP/1 response head. */
  public record Malformed(String why) implements Result {}

  /**
   * A complete response head of {@code length} bytes (CRLFCRLF included) and how its body is framed
   * (settled with the request method given to {@link #parse}).
   */
  public record Head(HttpVersion version, int status, String reason, Headers headers, int length,
                     BodyFraming bodyFraming) implements Result {
    public Head {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(headers, "headers");
      Objects.requireNonNull(bodyFraming, "bodyFraming");
    }

    public String header(String name) {
      return headers.get(name);
    }

    /** An interim (1xx) response: the final response follows it. */
    public boolean informational() {
      return status >= 100 && status < 200;
    }

    /**
     * Whether the connection can carry another exchange after this response: never when the body
     * runs until close; else as for requests ({@code Connection: close}, HTTP/1.0 {@code keep-alive}).
     */
    public boolean keepAlive() {
      return !(bodyFraming instanceof BodyFraming.UntilClose) && Http1.keepAlive(version, headers);
    }
  }

  /**
   * Parses the response head at {@code in.readerIndex()} without moving the reader index.
   * {@code requestMethod} is the method of the request this answers (null if unknown: taken as
   * not HEAD and not CONNECT); {@code max} bounds the head's size.
   */
  public static Result parse(ByteBuf in, int max, String requestMethod) {
    if (max <= 0) {
      throw new IllegalArgumentException("max must be positive: " + max);
    }
    try {
      return parseChecked(in, max, requestMethod);
    } catch (BadMessage e) {
      return new Malformed(e.getMessage());
    }
  }

  private static final String PREFIX = "HTTP/1.";

  private static Result parseChecked(ByteBuf in, int max, String requestMethod) throws BadMessage {
    int base = in.readerIndex();
    int end = in.writerIndex();
    int hardEnd = (int) Math.min(end, (long) base + max);
    int lf = base >= hardEnd ? -1 : in.indexOf(base, hardEnd, LF);
    boolean partial = lf < 0;
    int stop = partial ? hardEnd : lf;
    // Reject early what cannot become a status line.
    for (int k = 0; k < PREFIX.length(); k++) {
      if (base + k == stop) {
        if (partial) {
          return more(end, base, max);
        }
        throw new BadMessage("not an HTTP/1 status line");
      }
      if (u8(in, base + k) != PREFIX.charAt(k)) {
        throw new BadMessage("not an HTTP/1 status line");
      }
    }
    if (partial) {
      return more(end, base, max);
    }
    if (lf == base || u8(in, lf - 1) != CR) {
      throw new BadMessage("bare LF line ending after the status line");
    }
    int lineEnd = lf - 1;
    // HTTP/1.x SP 3DIGIT [SP reason]
    if (lineEnd - base < 12 || u8(in, base + 8) != SP) {
      throw new BadMessage("invalid status line " + Http1.printable(Http1.ascii(in, base, lineEnd)));
    }
    HttpVersion version = Http1.version(Http1.ascii(in, base, base + 8));
    int status = 0;
    for (int k = base + 9; k < base + 12; k++) {
      int d = u8(in, k);
      if (d < '0' || d > '9') {
        throw new BadMessage("invalid status code " + Http1.printable(Http1.ascii(in, base + 9, base + 12)));
      }
      status = status * 10 + (d - '0');
    }
    if (status < 100) {
      throw new BadMessage("invalid status code " + status);
    }
    String reason = "";
    if (lineEnd > base + 12) {
      if (u8(in, base + 12) != SP) {
        throw new BadMessage("invalid status line " + Http1.printable(Http1.ascii(in, base, lineEnd)));
      }
      for (int k = base + 13; k < lineEnd; k++) {
        if (!Http1.isFieldValueByte(u8(in, k))) {
          throw new BadMessage("invalid character " + Http1.hex(u8(in, k)) + " in the reason phrase");
        }
      }
      reason = Http1.ascii(in, base + 13, lineEnd);
    }

    Http1.Section section = Http1.fields(in, base, lf + 1, max, "response");
    if (section instanceof Http1.SectionNeedMore(int atLeast)) {
      return new NeedMore(atLeast);
    }
    Http1.SectionDone done = (Http1.SectionDone) section;
    BodyFraming framing = framing(version, status, done.headers(), requestMethod);
    return new Head(version, status, reason, done.headers(), done.length(), framing);
  }

  private static NeedMore more(int end, int base, int max) throws BadMessage {
    return new NeedMore(Http1.needMore(end, base, max, "response").atLeast());
  }

  /** RFC 9112 section 6.3, in its order. */
  static BodyFraming framing(HttpVersion version, int status, Headers headers, String requestMethod)
      throws BadMessage {
    Http1.Coding coding = Http1.transferCoding(headers);
    long length = Http1.contentLength(headers);
    if (coding != Http1.Coding.ABSENT && length >= 0) {
      throw new BadMessage("both Content-Length and Transfer-Encoding");
    }
    if ("HEAD".equals(requestMethod) || status < 200 || status == 204 || status == 304) {
      return BodyFraming.NONE;
    }
    if ("CONNECT".equals(requestMethod) && status < 300) {
      return BodyFraming.NONE;
    }
    if (coding != Http1.Coding.ABSENT) {
      return coding == Http1.Coding.CHUNKED && version == HttpVersion.HTTP_1_1
          ? BodyFraming.CHUNKED : BodyFraming.UNTIL_CLOSE;
    }
    return length >= 0 ? new BodyFraming.ContentLength(length) : BodyFraming.UNTIL_CLOSE;
  }
}
