package io.vxmesh.proxy.protocol;

/**
 * How the body of an HTTP/1 message is delimited (RFC 9112 section 6.3), as settled by the head parsers.
 * Requests only ever get {@link None}, {@link ContentLength} or {@link Chunked}; responses may also be
 * {@link UntilClose}.
 */
public sealed interface BodyFraming {

  None NONE = new None();
  Chunked CHUNKED = new Chunked();
  UntilClose UNTIL_CLOSE = new UntilClose();

  /** No body follows the head. */
  record None() implements BodyFraming {}

  /** Exactly {@code length} body bytes follow the head ({@code length >= 0}). */
  record ContentLength(long length) implements BodyFraming {
    public ContentLength {
      if (length < 0) {
        throw new IllegalArgumentException("negative content length " + length);
      }
    }
  }

  /** A chunked body follows (scan it with {@link ChunkedBody}). */
  record Chunked() implements BodyFraming {}

  /** The body is everything until the server closes the connection (responses only). */
  record UntilClose() implements BodyFraming {}
}
