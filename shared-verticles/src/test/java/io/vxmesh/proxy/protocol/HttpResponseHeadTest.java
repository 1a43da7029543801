package io.vxmesh.proxy.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class HttpResponseHeadTest {

  static final int MAX = 8192;

  static HttpResponseHead.Result parse(String s, String method) {
    return ParserChecks.check(Bufs.ascii(s), b -> HttpResponseHead.parse(b, MAX, method));
  }

  static HttpResponseHead.Head head(String s, String method) {
    return assertInstanceOf(HttpResponseHead.Head.class, parse(s, method), s);
  }

  @Test
  void httpbinsAnswer() {
    String resp = "HTTP/1.1 200 OK\r\ndate: Mon, 04 Jul 2022 07:48:24 GMT\r\ncontent-type: application/json\r\n"
        + "content-length: 313\r\nconnection: keep-alive\r\n\r\n";
    HttpResponseHead.Head h = head(resp, "GET");
    assertEquals(HttpVersion.HTTP_1_1, h.version());
    assertEquals(200, h.status());
    assertEquals("OK", h.reason());
    assertEquals("application/json", h.header("Content-Type"));
    assertEquals(resp.length(), h.length());
    assertEquals(new BodyFraming.ContentLength(313), h.bodyFraming());
    assertTrue(h.keepAlive());
    // The same head answering HEAD has no body.
    assertEquals(BodyFraming.NONE, head(resp, "HEAD").bodyFraming());
  }

  /** Request method, status and headers -> body framing and keep-alive (RFC 9112 6.3). */
  @ParameterizedTest(name = "{0} {1} {2}: {3}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "GET     | HTTP/1.1 | 200 | Content-Length: 10                   | 10          | true",
      "GET     | HTTP/1.1 | 200 | Transfer-Encoding: chunked           | chunked     | true",
      "GET     | HTTP/1.1 | 200 | Transfer-Encoding: gzip, chunked     | chunked     | true",
      "GET     | HTTP/1.1 | 200 | Transfer-Encoding: gzip              | until-close | false",
      "GET     | HTTP/1.1 | 200 | ''                                   | until-close | false",
      "GET     | HTTP/1.1 | 200 | Connection: close\\r\\nContent-Length: 1 | 1         | false",
      "HEAD    | HTTP/1.1 | 200 | Content-Length: 313                  | none        | true",
      "HEAD    | HTTP/1.1 | 200 | Transfer-Encoding: chunked           | none        | true",
      "HEAD    | HTTP/1.1 | 200 | ''                                   | none        | true",
      "GET     | HTTP/1.1 | 204 | ''                                   | none        | true",
      "GET     | HTTP/1.1 | 304 | Content-Length: 99                   | none        | true",
      "GET     | HTTP/1.1 | 100 | ''                                   | none        | true",
      "GET     | HTTP/1.1 | 101 | Connection: Upgrade                  | none        | true",
      "CONNECT | HTTP/1.1 | 200 | ''                                   | none        | true",
      "CONNECT | HTTP/1.1 | 407 | Content-Length: 0                    | 0           | true",
      "NULL    | HTTP/1.1 | 404 | Content-Length: 0                    | 0           | true",
      "GET     | HTTP/1.0 | 200 | Content-Length: 2                    | 2           | false",
      "GET     | HTTP/1.0 | 200 | Content-Length: 2\\r\\nConnection: keep-alive | 2   | true",
      "GET     | HTTP/1.0 | 200 | Transfer-Encoding: chunked           | until-close | false",
      "GET     | HTTP/1.1 | 200 | Content-Length: 7, 7                 | 7           | true",
  })
  void framing(String method, String version, int status, String lines, String framing, boolean keepAlive) {
    String extra = lines.isEmpty() ? "" : lines.replace("\\r\\n", "\r\n") + "\r\n";
    HttpResponseHead.Head h = head(version + " " + status + " Whatever\r\n" + extra + "\r\n", method);
    BodyFraming expected = switch (framing) {
      case "none" -> BodyFraming.NONE;
      case "chunked" -> BodyFraming.CHUNKED;
      case "until-close" -> BodyFraming.UNTIL_CLOSE;
      default -> new BodyFraming.ContentLength(Long.parseLong(framing));
    };
    assertEquals(expected, h.bodyFraming());
    assertEquals(keepAlive, h.keepAlive());
    assertEquals(status, h.status());
    assertEquals(status < 200, h.informational());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "HTTP/1.1 200 OK | OK",
      "HTTP/1.1 404 Not Found | Not Found",
      "HTTP/1.1 200 | ''",
      "'HTTP/1.1 200 ' | ''",
      "HTTP/1.1 500 caf\u00e9 \tx | caf\u00e9 \tx",
  })
  void reasonPhrases(String statusLine, String reason) {
    assertEquals(reason, head(statusLine + "\r\n\r\n", "GET").reason());
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("Content-Length and Transfer-Encoding", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", "both"),
        Arguments.of("differing Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\n", "differ"),
        Arguments.of("bad Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: five\r\n\r\n", "not a number"),
        Arguments.of("bad Content-Length on a 204", "HTTP/1.1 204 No Content\r\nContent-Length: -0\r\n\r\n", "not a number"),
        Arguments.of("chunked twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", "more than once"),
        Arguments.of("not HTTP", "SSH-2.0-x\r\n\r\n", "not an HTTP/1 status line"),
        Arguments.of("HTTP/2", "HTTP/2 200\r\n\r\n", "not an HTTP/1 status line"),
        Arguments.of("HTTP/1.2", "HTTP/1.2 200 OK\r\n\r\n", "unsupported HTTP version"),
        Arguments.of("two-digit status", "HTTP/1.1 20 OK\r\n\r\n", "invalid status"),
        Arguments.of("status 099", "HTTP/1.1 099 Odd\r\n\r\n", "invalid status code 99"),
        Arguments.of("letters in the status", "HTTP/1.1 2x0 OK\r\n\r\n", "invalid status code"),
        Arguments.of("no space after the status", "HTTP/1.1 200OK\r\n\r\n", "invalid status line"),
        Arguments.of("no space after the version", "HTTP/1.1\t200 OK\r\n\r\n", "invalid status line"),
        Arguments.of("control byte in the reason", "HTTP/1.1 200 O\u0001K\r\n\r\n", "0x01"),
        Arguments.of("bare LF status line", "HTTP/1.1 200 OK\nServer: x\r\n\r\n", "bare LF"),
        Arguments.of("bare LF header", "HTTP/1.1 200 OK\r\nServer: x\n\r\n", "bare LF"),
        Arguments.of("obs-fold", "HTTP/1.1 200 OK\r\nServer: x\r\n\ty\r\n\r\n", "obs-fold"),
        Arguments.of("space before the colon", "HTTP/1.1 200 OK\r\nServer : x\r\n\r\n", "whitespace between"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformed(String name, String response, String why) {
    HttpResponseHead.Malformed m = assertInstanceOf(HttpResponseHead.Malformed.class, parse(response, "GET"), response);
    assertTrue(m.why().contains(why), m.why());
  }

  @Test
  void earlyAnswers() {
    assertInstanceOf(HttpResponseHead.NeedMore.class, parse("", "GET"));
    assertInstanceOf(HttpResponseHead.NeedMore.class, parse("HTTP/1.", "GET"));
    assertInstanceOf(HttpResponseHead.NeedMore.class, parse("HTTP/1.1 200 OK\r\nServer: x\r\n", "GET"));
    assertInstanceOf(HttpResponseHead.Malformed.class, parse("HTTX", "GET"));
    assertInstanceOf(HttpResponseHead.Malformed.class, parse("HTTP/1.1 200 OK\r\nServer : x", "GET"));
    String big = "HTTP/1.1 200 OK\r\nServer: " + "x".repeat(100) + "\r\n\r\n";
    assertInstanceOf(HttpResponseHead.Malformed.class, HttpResponseHead.parse(Bufs.exact(big), 50, "GET"));
    assertInstanceOf(HttpResponseHead.Head.class, HttpResponseHead.parse(Bufs.exact(big), big.length(), "GET"));
  }

  static Stream<String> validResponses() {
    return Stream.of(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 313\r\n\r\n",
        "HTTP/1.1 404 Not Found\r\ndate: Fri, 14 May 2021 17:08:48 GMT\r\ntransfer-encoding: chunked\r\n\r\n",
        "HTTP/1.0 302\r\nLocation: /x\r\n\r\n");
  }

  @ParameterizedTest
  @MethodSource("validResponses")
  void splitAtEveryByte(String response) {
    byte[] b = Bufs.ascii(response);
    HttpResponseHead.Result whole = HttpResponseHead.parse(Bufs.exact(b), MAX, "GET");
    assertEquals(b.length, assertInstanceOf(HttpResponseHead.Head.class, whole).length());
    for (int n = 0; n < b.length; n++) {
      HttpResponseHead.NeedMore more = assertInstanceOf(HttpResponseHead.NeedMore.class,
          HttpResponseHead.parse(Bufs.exact(Bufs.prefix(b, n)), MAX, "GET"), "prefix " + n);
      assertTrue(more.atLeast() > n && more.atLeast() <= b.length, more.toString());
      assertEquals(whole, HttpResponseHead.parse(Bufs.split(b, n), MAX, "GET"), "split at " + n);
    }
  }

  /** An interim 100 Continue, then the final response, then the next one on a kept-alive connection. */
  @Test
  void interimAndPipelinedResponses() {
    String bytes = "HTTP/1.1 100 Continue\r\n\r\n"
        + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
        + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\n\r\n"
        + "HTTP/1.1 204 No Content\r\n\r\n";
    ByteBuf buf = Bufs.exact(bytes);
    List<Integer> statuses = new ArrayList<>();
    while (buf.isReadable()) {
      HttpResponseHead.Head h = assertInstanceOf(HttpResponseHead.Head.class, HttpResponseHead.parse(buf, MAX, "POST"));
      statuses.add(h.status());
      buf.skipBytes(h.length());
      if (h.bodyFraming() instanceof BodyFraming.ContentLength(long n)) {
        buf.skipBytes((int) n);
      } else if (h.bodyFraming() instanceof BodyFraming.Chunked) {
        ChunkedBody body = new ChunkedBody();
        buf.skipBytes(body.scan(buf));
        assertTrue(body.done());
      }
    }
    assertEquals(List.of(100, 201, 200, 204), statuses);
  }
}
