package io.vxmesh.proxy.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class HttpRequestHeadTest {

  static final int MAX = 8192;

  static HttpRequestHead.Result parse(String s) {
    return ParserChecks.check(Bufs.ascii(s), b -> HttpRequestHead.parse(b, MAX));
  }

  static HttpRequestHead.Head head(String s) {
    return assertInstanceOf(HttpRequestHead.Head.class, parse(s), s);
  }

  @Test
  void curlsRequest() {
    String req = "HEAD /get HTTP/1.1\r\nHost: httpbin.org\r\nUser-Agent: curl/8.14.1\r\nAccept: */*\r\n\r\n";
    HttpRequestHead.Head h = head(req);
    assertEquals("HEAD", h.method());
    assertEquals("/get", h.target());
    assertEquals(HttpVersion.HTTP_1_1, h.version());
    assertEquals("httpbin.org", h.host());
    assertEquals("/get", h.path());
    assertEquals(req.length(), h.length());
    assertEquals(Headers.of("Host", "httpbin.org", "User-Agent", "curl/8.14.1", "Accept", "*/*"), h.headers());
    assertEquals("curl/8.14.1", h.header("user-agent"));
    assertEquals(BodyFraming.NONE, h.bodyFraming());
    assertTrue(h.keepAlive());
    assertFalse(h.expectsContinue());
  }

  /** Target forms, host and path: request line and headers -> host(), path(), query(). */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "GET | /status/200?x=1&y | Host: HTTPBin.org:80 | httpbin.org:80 | /status/200 | x=1&y",
      "GET | / | Host: 10.0.0.1 | 10.0.0.1 | / | NULL",
      "GET | /a?b?c | Host: [::1]:8080 | [::1]:8080 | /a | b?c",
      "GET | http://Example.COM:8080/p/q?r | Host: ignored.example | example.com:8080 | /p/q | r",
      "GET | http://example.com | Host: example.com | example.com | / | NULL",
      "GET | https://example.com?q | Host: example.com | example.com | / | q",
      "CONNECT | Example.com:443 | Host: example.com:443 | example.com:443 | '' | NULL",
      "OPTIONS | * | Host: example.com | example.com | * | NULL",
      "GET | /x | Host: | '' | /x | NULL",
  })
  void targetsAndHosts(String method, String target, String hostLine, String host, String path, String query) {
    HttpRequestHead.Head h = head(method + " " + target + " HTTP/1.1\r\n" + hostLine + "\r\n\r\n");
    assertEquals(target, h.target());
    assertEquals(host, h.host());
    assertEquals(path, h.path());
    assertEquals(query, h.query());
  }

  @Test
  void http10WithoutHost() {
    HttpRequestHead.Head h = head("GET /index.html HTTP/1.0\r\n\r\n");
    assertEquals(HttpVersion.HTTP_1_0, h.version());
    assertNull(h.host());
    assertFalse(h.keepAlive());
  }

  /** Headers -> body framing, keep-alive and 100-continue. */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "HTTP/1.1 | ''                                           | none     | true  | false",
      "HTTP/1.1 | Content-Length: 12                           | 12       | true  | false",
      "HTTP/1.1 | Content-Length: 0                            | 0        | true  | false",
      "HTTP/1.1 | Content-Length: 5\\r\\nContent-Length: 5       | 5        | true  | false",
      "HTTP/1.1 | Content-Length: 5, 5                         | 5        | true  | false",
      "HTTP/1.1 | Content-Length: 000123                       | 123      | true  | false",
      "HTTP/1.1 | Content-Length: 999999999999999999           | 999999999999999999 | true | false",
      "HTTP/1.1 | Transfer-Encoding: chunked                   | chunked  | true  | false",
      "HTTP/1.1 | Transfer-Encoding: gzip, Chunked             | chunked  | true  | false",
      "HTTP/1.1 | Transfer-Encoding: gzip\\r\\nTransfer-Encoding: chunked | chunked | true | false",
      "HTTP/1.1 | Connection: close                            | none     | false | false",
      "HTTP/1.1 | Connection: Upgrade, CLOSE                   | none     | false | false",
      "HTTP/1.1 | Connection: keep-alive                       | none     | true  | false",
      "HTTP/1.0 | ''                                           | none     | false | false",
      "HTTP/1.0 | Connection: Keep-Alive                       | none     | true  | false",
      "HTTP/1.0 | Connection: keep-alive\\r\\nConnection: close  | none     | false | false",
      "HTTP/1.1 | Expect: 100-continue\\r\\nContent-Length: 3    | 3        | true  | true",
      "HTTP/1.1 | Expect: 100-Continue\\r\\nContent-Length: 3    | 3        | true  | true",
      "HTTP/1.0 | Expect: 100-continue\\r\\nContent-Length: 3    | 3        | false | false",
  })
  void framingKeepAliveAndContinue(String version, String lines, String framing, boolean keepAlive, boolean expects) {
    String extra = lines.isEmpty() ? "" : lines.replace("\\r\\n", "\r\n") + "\r\n";
    HttpRequestHead.Head h = head("POST /post " + version + "\r\nHost: h\r\n" + extra + "\r\n");
    BodyFraming expected = switch (framing) {
      case "none" -> BodyFraming.NONE;
      case "chunked" -> BodyFraming.CHUNKED;
      default -> new BodyFraming.ContentLength(Long.parseLong(framing));
    };
    assertEquals(expected, h.bodyFraming());
    assertEquals(keepAlive, h.keepAlive());
    assertEquals(expects, h.expectsContinue());
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        // request smuggling: framing
        Arguments.of("Content-Length and Transfer-Encoding", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", "both Content-Length and Transfer-Encoding"),
        Arguments.of("two different Content-Lengths", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "differ"),
        Arguments.of("a Content-Length list that differs", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\n", "differ"),
        Arguments.of("signed Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n", "not a number"),
        Arguments.of("negative Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", "not a number"),
        Arguments.of("hex Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n", "not a number"),
        Arguments.of("empty Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", "empty Content-Length"),
        Arguments.of("Content-Length with inner space", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1 2\r\n\r\n", "not a number"),
        Arguments.of("Content-Length over 18 digits", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1234567890123456789\r\n\r\n", "too large"),
        Arguments.of("chunked not last", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "not the final"),
        Arguments.of("chunked twice", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "more than once"),
        Arguments.of("no chunked at all", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", "must be chunked"),
        Arguments.of("empty Transfer-Encoding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \r\n\r\n", "empty Transfer-Encoding"),
        Arguments.of("odd coding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \"chunked\"\r\n\r\n", "unsupported transfer coding"),
        Arguments.of("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.0"),
        // request smuggling: field syntax
        Arguments.of("space before the colon", "GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\n\r\n", "whitespace between a header name and its colon"),
        Arguments.of("tab before the colon", "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", "whitespace between"),
        Arguments.of("obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n b\r\n\r\n", "obs-fold"),
        Arguments.of("obs-fold right after the request line", "GET / HTTP/1.1\r\n Host: h\r\n\r\n", "obs-fold"),
        Arguments.of("bare LF in the headers", "GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n", "bare LF"),
        Arguments.of("bare LF ending the head", "GET / HTTP/1.1\r\nHost: h\r\n\n", "bare LF"),
        Arguments.of("bare LF after the request line", "GET / HTTP/1.1\nHost: h\r\n\r\n", "bare LF"),
        Arguments.of("bare CR in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", "bare CR"),
        Arguments.of("NUL in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", "0x00"),
        Arguments.of("DEL in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\u007fb\r\n\r\n", "0x7f"),
        Arguments.of("invalid name character", "GET / HTTP/1.1\r\nHost: h\r\nX(Y): z\r\n\r\n", "0x28"),
        Arguments.of("non-ASCII name", "GET / HTTP/1.1\r\nHost: h\r\nX\u00e9: z\r\n\r\n", "0xe9"),
        Arguments.of("empty name", "GET / HTTP/1.1\r\nHost: h\r\n: z\r\n\r\n", "empty name"),
        Arguments.of("no colon", "GET / HTTP/1.1\r\nHost: h\r\nJust-a-name\r\n\r\n", "without a colon"),
        // request line and target
        Arguments.of("HTTP/1.2", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", "unsupported HTTP version"),
        Arguments.of("HTTP/2.0", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "unsupported HTTP version"),
        Arguments.of("lower-case version", "GET / HTTP/1.1x\r\nHost: h\r\n\r\n", "unsupported HTTP version"),
        Arguments.of("relative target", "GET index.html HTTP/1.1\r\nHost: h\r\n\r\n", "invalid request target"),
        Arguments.of("asterisk for GET", "GET * HTTP/1.1\r\nHost: h\r\n\r\n", "OPTIONS only"),
        Arguments.of("CONNECT without a port", "CONNECT example.com HTTP/1.1\r\nHost: example.com\r\n\r\n", "without a port"),
        Arguments.of("CONNECT with a path", "CONNECT /x HTTP/1.1\r\nHost: example.com\r\n\r\n", "CONNECT target"),
        Arguments.of("ftp scheme", "GET ftp://example.com/ HTTP/1.1\r\nHost: h\r\n\r\n", "unsupported scheme"),
        Arguments.of("userinfo", "GET http://user@example.com/ HTTP/1.1\r\nHost: h\r\n\r\n", "userinfo"),
        Arguments.of("fragment", "GET /get#top HTTP/1.1\r\nHost: h\r\n\r\n", "fragment"),
        Arguments.of("empty authority", "GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n", "empty"),
        // Host
        Arguments.of("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", "without a Host"),
        Arguments.of("two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "more than one Host"),
        Arguments.of("two Hosts in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n", "more than one Host"),
        Arguments.of("Host with a slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", "0x2f"),
        Arguments.of("Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", "0x40"),
        Arguments.of("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", "0x20"),
        Arguments.of("Host with a bad port", "GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n", "invalid port"),
        Arguments.of("Host with a long port", "GET / HTTP/1.1\r\nHost: a:123456\r\n\r\n", "invalid port"),
        Arguments.of("Host with a bad literal", "GET / HTTP/1.1\r\nHost: [zz]\r\n\r\n", "IP literal"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformed(String name, String request, String why) {
    HttpRequestHead.Malformed m = assertInstanceOf(HttpRequestHead.Malformed.class, parse(request), request);
    assertTrue(m.why().contains(why), m.why());
  }

  static Stream<Arguments> notHttp() {
    return Stream.of(
        Arguments.of("TLS", "\u0016\u0003\u0001\u0002\u0000\u0001", "0x16"),
        Arguments.of("a word and LF", "hello\n", "no request target"),
        Arguments.of("a line without a version", "hello world\r\n", "no HTTP version"),
        Arguments.of("a sentence", "hello there world\r\n", "does not end in an HTTP version"),
        Arguments.of("SSH", "SSH-2.0-OpenSSH_9.2p1\r\n", "0x0d"),
        Arguments.of("a banner answer", "220 ready\r\n", "no HTTP version"),
        Arguments.of("space first", " GET / HTTP/1.1\r\n", "0x20"),
        Arguments.of("a tab after the method", "GET\t/ HTTP/1.1\r\n", "0x09"),
        Arguments.of("double space", "GET  / HTTP/1.1\r\n", "empty request target"),
        Arguments.of("control byte in the target", "GET /a\u0001b HTTP/1.1\r\n", "0x01"),
        Arguments.of("a long first token", "A".repeat(HttpRequestHead.MAX_METHOD + 1), "longer than an HTTP method"),
        Arguments.of("binary", "\u0000\u0000\u0000\u0001", "0x00"),
        Arguments.of("bare LF", "\n", "0x0a"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notHttp")
  void notHttp(String name, String input, String why) {
    HttpRequestHead.NotHttp n = assertInstanceOf(HttpRequestHead.NotHttp.class, parse(input), input);
    assertTrue(n.why().contains(why), n.why());
  }

  @Test
  void boundedSizeAndHeaderCount() {
    String big = "GET / HTTP/1.1\r\nHost: h\r\nX: " + "a".repeat(200) + "\r\n\r\n";
    assertInstanceOf(HttpRequestHead.Head.class, HttpRequestHead.parse(Bufs.exact(big), big.length()));
    HttpRequestHead.Malformed m = assertInstanceOf(HttpRequestHead.Malformed.class,
        HttpRequestHead.parse(Bufs.exact(big), big.length() - 1));
    assertTrue(m.why().contains("larger than " + (big.length() - 1)), m.why());
    // An unfinished head that already fills the limit is refused without waiting for more.
    assertInstanceOf(HttpRequestHead.Malformed.class, HttpRequestHead.parse(Bufs.exact(big.substring(0, 100)), 100));
    assertInstanceOf(HttpRequestHead.NeedMore.class, HttpRequestHead.parse(Bufs.exact(big.substring(0, 100)), 101));

    StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
    for (int i = 1; i < Http1.MAX_HEADERS; i++) {
      many.append("X-").append(i).append(": v\r\n");
    }
    assertEquals(Http1.MAX_HEADERS, head(many + "\r\n").headers().size());
    HttpRequestHead.Malformed tooMany = assertInstanceOf(HttpRequestHead.Malformed.class, parse(many + "X-Last: v\r\n\r\n"));
    assertTrue(tooMany.why().contains("more than 100 header fields"), tooMany.why());
    assertThrows(IllegalArgumentException.class, () -> HttpRequestHead.parse(Bufs.exact("GET"), 0));
  }

  /** A malformed header line is reported as soon as it is complete, not when the head ends. */
  @Test
  void errorsShowBeforeTheHeadEnds() {
    assertInstanceOf(HttpRequestHead.Malformed.class, parse("GET / HTTP/1.1\r\nHost : h\r\n"));
    assertInstanceOf(HttpRequestHead.Malformed.class, parse("GET / HTTP/1.1\r\nHost: h\r\n X"));
    assertInstanceOf(HttpRequestHead.NotHttp.class, parse("\u0016"));
    assertInstanceOf(HttpRequestHead.NotHttp.class, parse("hello\t"));
    assertInstanceOf(HttpRequestHead.NeedMore.class, parse("hello "));
    assertInstanceOf(HttpRequestHead.NeedMore.class, parse("hello"));
    assertInstanceOf(HttpRequestHead.NeedMore.class, parse("\r\n\r"));
    assertInstanceOf(HttpRequestHead.Malformed.class, parse("GET / HTTP/1.1\r\r"));
  }

  @Test
  void emptyLinesBeforeTheRequestLineAreSkipped() {
    String req = "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
    assertEquals(req.length(), head(req).length());
  }

  static Stream<String> validRequests() {
    return Stream.of(
        "GET /get HTTP/1.1\r\nHost: httpbin.org\r\nUser-Agent: curl/8.14.1\r\nAccept: */*\r\n\r\n",
        "POST /post HTTP/1.1\r\nHost: httpbin.org\r\nContent-Length: 5\r\nX-Empty:\r\nX-Tabs:\t a b \t\r\n\r\n",
        "GET http://httpbin.org/status/200?a=b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "\r\nPUT /x HTTP/1.1\r\nHost: h:1\r\nTransfer-Encoding: chunked\r\nX-Latin1: caf\u00e9\r\n\r\n");
  }

  /** TCP may cut a head anywhere: every prefix needs more, and every two-piece split parses the same. */
  @ParameterizedTest
  @MethodSource("validRequests")
  void splitAtEveryByte(String request) {
    byte[] b = Bufs.ascii(request);
    HttpRequestHead.Head whole = assertInstanceOf(HttpRequestHead.Head.class, HttpRequestHead.parse(Bufs.exact(b), MAX));
    assertEquals(b.length, whole.length());
    for (int n = 0; n < b.length; n++) {
      HttpRequestHead.Result r = HttpRequestHead.parse(Bufs.exact(Bufs.prefix(b, n)), MAX);
      HttpRequestHead.NeedMore more = assertInstanceOf(HttpRequestHead.NeedMore.class, r, "prefix " + n);
      assertTrue(more.atLeast() > n && more.atLeast() <= b.length, more.toString());
      assertEquals(whole, HttpRequestHead.parse(Bufs.split(b, n), MAX), "split at " + n);
    }
  }

  /** Pipelined requests: each head's length tells where its body ends and the next head starts. */
  @Test
  void pipelinedRequests() {
    String first = "POST /post HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n";
    String second = "GET /get HTTP/1.1\r\nHost: h\r\n\r\n";
    String third = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    String chunked = "3\r\nabc\r\n0\r\n\r\n";
    String fourth = "GET /last HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    ByteBuf buf = Bufs.exact(first + "hello" + second + third + chunked + fourth);
    List<String> paths = new java.util.ArrayList<>();
    while (buf.isReadable()) {
      HttpRequestHead.Head h = assertInstanceOf(HttpRequestHead.Head.class, HttpRequestHead.parse(buf, MAX));
      paths.add(h.path());
      buf.skipBytes(h.length());
      switch (h.bodyFraming()) {
        case BodyFraming.ContentLength(long n) -> buf.skipBytes((int) n);
        case BodyFraming.Chunked c -> {
          ChunkedBody body = new ChunkedBody();
          buf.skipBytes(body.scan(buf));
          assertTrue(body.done());
        }
        default -> { }
      }
    }
    assertEquals(List.of("/post", "/get", "/c", "/last"), paths);
  }
}
