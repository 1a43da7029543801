package io.vxmesh.proxy.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Follows a chunked message body (RFC 9112 section 7.1) as its bytes stream past, to tell where it
 * ends: chunk-size lines (hex size, optional extensions), chunk data and its CRLF, the last chunk,
 * trailer fields and the final CRLF. It never holds body bytes: {@link #scan} only counts how many
 * of the bytes it is shown belong to the body, so a proxy forwards them as they come.
 *
 * <p>Strict as the head parsers are: CRLF line endings only; a size is 1 or more hex digits that
 * fit in a signed 64-bit number; whitespace after the size only before a {@code ;} extension;
 * extensions and trailer values without control characters (HTAB allowed); trailer names are
 * tokens, no obs-fold; a size line is at most {@code maxLineBytes} long (CRLF included), the
 * trailer section at most {@code maxTrailerBytes}. A violation puts the scanner in a failed state
 * ({@link #failure()}), it never throws. One instance follows one body; it is not thread-safe.
 */
public final class ChunkedBody {

  /** Longest chunk-size line (size, extensions, CRLF) by default. */
  public static final int DEFAULT_MAX_LINE = 4096;
  /** Largest trailer section (every trailer line and the final CRLF) by default. */
  public static final int DEFAULT_MAX_TRAILERS = 16 * 1024;

  private enum State {
    SIZE_FIRST, SIZE, SIZE_WS, EXT, SIZE_LF,
    DATA, DATA_CR, DATA_LF,
    TRAILER_START, TRAILER_NAME, TRAILER_VALUE, TRAILER_LF, FINAL_LF,
    DONE, FAILED
  }

  private final int maxLine;
  private final int maxTrailers;
  private State state = State.SIZE_FIRST;
  private long size;
  private long remaining;
  private int lineBytes;
  private int trailerBytes;
  private long consumed;
  private String failure;

  public ChunkedBody() {
    this(DEFAULT_MAX_LINE, DEFAULT_MAX_TRAILERS);
  }

  public ChunkedBody(int maxLineBytes, int maxTrailerBytes) {
    if (maxLineBytes < 3 || maxTrailerBytes < 2) {
      throw new IllegalArgumentException("limits too small: " + maxLineBytes + ", " + maxTrailerBytes);
    }
    this.maxLine = maxLineBytes;
    this.maxTrailers = maxTrailerBytes;
  }

  /**
   * Looks at the readable bytes of {@code in} (the reader index is not moved) as the continuation
   * of the body and returns how many of them, from the reader index, belong to it. The scanner
   * takes those bytes as consumed: the caller must move past them (typically by forwarding
   * {@code in.readRetainedSlice(n)}) before showing it the bytes that follow. Fewer than all
   * readable bytes are taken only when the body ends ({@link #done()}; what follows is the next
   * message) or is malformed ({@link #failed()}; the bytes before the fault are counted).
   */
  public int scan(ByteBuf in) {
    int base = in.readerIndex();
    int end = in.writerIndex();
    int i = base;
    while (i < end && state != State.DONE && state != State.FAILED) {
      if (state == State.DATA) {
        int take = (int) Math.min(remaining, end - i);
        i += take;
        remaining -= take;
        if (remaining == 0) {
          state = State.DATA_CR;
        }
        continue;
      }
      if (step(in.getByte(i) & 0xFF)) {
        i++;
      }
    }
    consumed += i - base;
    return i - base;
  }

  /** Advances over one byte outside chunk data; false (and the failed state) when it is not allowed. */
  private boolean step(int b) {
    switch (state) {
      case SIZE_FIRST -> {
        int d = hexValue(b);
        if (d < 0) {
          return fail("chunk size expected, got " + Http1.hex(b));
        }
        size = d;
        lineBytes = 1;
        state = State.SIZE;
      }
      case SIZE -> {
        if (!line()) {
          return false;
        }
        int d = hexValue(b);
        if (d >= 0) {
          if (size > (Long.MAX_VALUE >> 4)) {
            return fail("chunk size too large");
          }
          size = (size << 4) | d;
        } else if (b == ';') {
          state = State.EXT;
        } else if (b == ' ' || b == '\t') {
          state = State.SIZE_WS;
        } else if (b == '\r') {
          state = State.SIZE_LF;
        } else {
          return fail("invalid character " + Http1.hex(b) + " in a chunk size");
        }
      }
      case SIZE_WS -> {
        if (!line()) {
          return false;
        }
        if (b == ';') {
          state = State.EXT;
        } else if (b != ' ' && b != '\t') {
          return fail("whitespace after a chunk size not followed by an extension");
        }
      }
      case EXT -> {
        if (!line()) {
          return false;
        }
        if (b == '\r') {
          state = State.SIZE_LF;
        } else if (!Http1.isFieldValueByte(b)) {
          return fail("invalid character " + Http1.hex(b) + " in a chunk extension");
        }
      }
      case SIZE_LF -> {
        if (b != '\n') {
          return fail("bare CR in a chunk size line");
        }
        if (size == 0) {
          trailerBytes = 0;
          state = State.TRAILER_START;
        } else {
          remaining = size;
          state = State.DATA;
        }
      }
      case DATA_CR -> {
        if (b != '\r') {
          return fail("chunk data longer than its size");
        }
        state = State.DATA_LF;
      }
      case DATA_LF -> {
        if (b != '\n') {
          return fail("chunk data not followed by CRLF");
        }
        state = State.SIZE_FIRST;
      }
      case TRAILER_START -> {
        if (!trailer()) {
          return false;
        }
        if (b == '\r') {
          state = State.FINAL_LF;
        } else if (b == ' ' || b == '\t') {
          return fail("obs-fold in the trailer section");
        } else if (Http1.isTchar(b)) {
          state = State.TRAILER_NAME;
        } else {
          return fail("invalid character " + Http1.hex(b) + " in a trailer name");
        }
      }
      case TRAILER_NAME -> {
        if (!trailer()) {
          return false;
        }
        if (b == ':') {
          state = State.TRAILER_VALUE;
        } else if (!Http1.isTchar(b)) {
          return fail(b == ' ' || b == '\t' ? "whitespace before a trailer colon"
              : "invalid character " + Http1.hex(b) + " in a trailer name");
        }
      }
      case TRAILER_VALUE -> {
        if (!trailer()) {
          return false;
        }
        if (b == '\r') {
          state = State.TRAILER_LF;
        } else if (!Http1.isFieldValueByte(b)) {
          return fail("invalid character " + Http1.hex(b) + " in a trailer value");
        }
      }
      case TRAILER_LF -> {
        if (!trailer()) {
          return false;
        }
        if (b != '\n') {
          return fail("bare CR in a trailer line");
        }
        state = State.TRAILER_START;
      }
      case FINAL_LF -> {
        if (!trailer()) {
          return false;
        }
        if (b != '\n') {
          return fail("bare CR at the end of the chunked body");
        }
        state = State.DONE;
      }
      default -> throw new IllegalStateException(state.name());
    }
    return true;
  }

  private boolean line() {
    if (++lineBytes > maxLine - 1) {
      return fail("chunk size line longer than " + maxLine + " bytes");
    }
    return true;
  }

  private boolean trailer() {
    if (++trailerBytes > maxTrailers) {
      return fail("trailer section larger than " + maxTrailers + " bytes");
    }
    return true;
  }

  private boolean fail(String why) {
    failure = why;
    state = State.FAILED;
    return false;
  }

  private static int hexValue(int b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  /** The final CRLF (after the last chunk and any trailers) has been seen. */
  public boolean done() {
    return state == State.DONE;
  }

  public boolean failed() {
    return state == State.FAILED;
  }

  /** Why the body is malformed, or null while it is not. */
  public String failure() {
    return failure;
  }

  /** Body bytes taken so far (framing included). */
  public long consumed() {
    return consumed;
  }
}
