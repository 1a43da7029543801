package io.vxmesh.proxy.protocol;

import static io.vxmesh.proxy.protocol.TlsHellos.alpn;
import static io.vxmesh.proxy.protocol.TlsHellos.concat;
import static io.vxmesh.proxy.protocol.TlsHellos.ext;
import static io.vxmesh.proxy.protocol.TlsHellos.hello;
import static io.vxmesh.proxy.protocol.TlsHellos.sni;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientHelloTest {

  static Stream<Arguments> jdkHellos() {
    return Stream.of(
        Arguments.of("TLSv1.3", "httpbin.org", List.of()),
        Arguments.of("TLSv1.3", "HttpBin.ORG", List.of("h2", "http/1.1")),
        Arguments.of("TLSv1.2", "openservicemesh.io", List.of()),
        Arguments.of("TLSv1.2", "api.example.com", List.of("http/1.1")),
        Arguments.of("TLSv1.3", null, List.of("h2")),
        Arguments.of("TLSv1.2", null, List.of()));
  }

  @ParameterizedTest(name = "{0} sni={1} alpn={2}")
  @MethodSource("jdkHellos")
  void readsTheJdksClientHello(String protocol, String sni, List<String> alpn) throws Exception {
    byte[] records = TlsHellos.jdk(protocol, sni, alpn.toArray(String[]::new));
    ClientHello.Hello expected = new ClientHello.Hello(sni == null ? null : sni.toLowerCase(), alpn, 0x0303);
    assertEquals(expected, ParserChecks.check(records, ClientHello::parse));
  }

  /** TCP may deliver the hello in any pieces: every prefix asks for more, never more than the rest. */
  @ParameterizedTest(name = "{0} sni={1} alpn={2}")
  @MethodSource("jdkHellos")
  void everyPrefixNeedsMoreAndEverySplitParses(String protocol, String sni, List<String> alpn) throws Exception {
    byte[] records = TlsHellos.jdk(protocol, sni, alpn.toArray(String[]::new));
    ClientHello.Result whole = ClientHello.parse(Bufs.exact(records));
    assertInstanceOf(ClientHello.Hello.class, whole);
    for (int n = 0; n < records.length; n++) {
      ClientHello.Result r = ClientHello.parse(Bufs.exact(Bufs.prefix(records, n)));
      ClientHello.NeedMore more = assertInstanceOf(ClientHello.NeedMore.class, r, "prefix of " + n);
      assertTrue(more.atLeast() > n && more.atLeast() <= records.length, n + " -> " + more);
      assertEquals(whole, ClientHello.parse(Bufs.split(records, n)), "split at " + n);
    }
  }

  /** The handshake may be fragmented over records (RFC 8446 5.1), of any size down to one byte. */
  @ParameterizedTest(name = "records of {0} bytes")
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3, 4, 5, 7, 64, 100, 511, 4096})
  void readsAHelloFragmentedOverRecords(int size) throws Exception {
    byte[] jdk = TlsHellos.jdk("TLSv1.3", "httpbin.org", "h2", "http/1.1");
    byte[] fragmented = TlsHellos.records(TlsHellos.handshake(jdk), size);
    ClientHello.Result r = ParserChecks.check(fragmented, ClientHello::parse);
    assertEquals(new ClientHello.Hello("httpbin.org", List.of("h2", "http/1.1"), 0x0303), r);
    for (int n = 0; n < fragmented.length; n += Math.max(1, fragmented.length / 300)) {
      assertInstanceOf(ClientHello.NeedMore.class, ClientHello.parse(Bufs.exact(Bufs.prefix(fragmented, n))), "prefix " + n);
    }
  }

  @Test
  void bytesAfterTheHelloAreNotItsConcern() throws Exception {
    byte[] jdk = TlsHellos.jdk("TLSv1.3", "httpbin.org");
    byte[] more = concat(jdk, new byte[] {0x17, 3, 3, 0, 1, 42});
    assertEquals("httpbin.org", ((ClientHello.Hello) ClientHello.parse(Bufs.exact(more))).sni());
  }

  @Test
  void theFirstHostNameWinsAndOtherNameTypesAreSkipped() {
    byte[] other = {1, 0, 3, 'a', 'b', 'c'};
    byte[] host1 = {0, 0, 5, 'a', '.', 'c', 'o', 'm'};
    byte[] host2 = {0, 0, 5, 'b', '.', 'c', 'o', 'm'};
    byte[] list = TlsHellos.list2(List.of(other, host1, host2));
    ClientHello.Result r = ClientHello.parse(Bufs.exact(hello(List.of(ext(0, list)))));
    assertEquals(new ClientHello.Hello("a.com", List.of(), 0x0303), r);
  }

  @Test
  void aHelloWithoutExtensionsHasNoServerName() {
    assertEquals(new ClientHello.Hello(null, List.of(), 0x0303),
        ClientHello.parse(Bufs.exact(TlsHellos.records(TlsHellos.handshakeOf(TlsHellos.body(null)), 100))));
  }

  static Stream<Arguments> notTls() {
    return Stream.of(
        Arguments.of("HTTP", Bufs.ascii("GET / HTTP/1.1\r\n"), "not a TLS handshake record"),
        Arguments.of("application data first", new byte[] {0x17, 3, 3, 0, 5}, "0x17"),
        Arguments.of("SSLv2 compatible hello", new byte[] {(byte) 0x80, 0x2e, 1, 3, 1}, "SSLv2"),
        Arguments.of("one byte", new byte[] {0x05}, "0x05"),
        Arguments.of("record version 2.x", new byte[] {0x16, 2, 0}, "version 2"),
        Arguments.of("server-first banner", Bufs.ascii("220 ready\r\n"), "0x32"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notTls")
  void notTls(String name, byte[] input, String why) {
    ClientHello.NotTls r = assertInstanceOf(ClientHello.NotTls.class, ParserChecks.check(input, ClientHello::parse));
    assertTrue(r.why().contains(why), r.why());
  }

  static byte[] withBody(byte[] body) {
    return TlsHellos.records(TlsHellos.handshakeOf(body), 1 << 14);
  }

  static Stream<Arguments> malformed() {
    byte[] ok = TlsHellos.body(List.of(sni("a.example")));
    byte[] longSession = ok.clone();
    longSession[34] = 33;
    byte[] oddSuites = ok.clone();
    oddSuites[35 + 32 + 1] = 3;
    byte[] noCompression = ok.clone();
    noCompression[35 + 32 + 2 + 4] = 0;
    byte[] badExtLen = ok.clone();
    badExtLen[35 + 32 + 2 + 4 + 2 + 1] += 1;
    byte[] serverHello = withBody(ok);
    serverHello[5] = 2;
    byte[] bigRecord = {0x16, 3, 1, 0x40, 0x01, 1};
    byte[] emptyRecord = {0x16, 3, 1, 0, 0, 0x16};
    byte[] bigHello = {0x16, 3, 1, 0, 4, 1, 0, 0x40, 0x01};
    byte[] hs = TlsHellos.handshakeOf(ok);
    byte[] alertInside = concat(TlsHellos.records(Arrays.copyOf(hs, 10), 100), new byte[] {0x15, 3, 3, 0, 2, 2, 40});
    return Stream.of(
        Arguments.of("session id over 32", withBody(longSession), "legacy_session_id"),
        Arguments.of("odd cipher suites length", withBody(oddSuites), "cipher_suites"),
        Arguments.of("no compression method", withBody(noCompression), "compression"),
        Arguments.of("extensions length off by one", withBody(badExtLen), "extensions length"),
        Arguments.of("ServerHello", serverHello, "not a ClientHello"),
        Arguments.of("record over 2^14", bigRecord, "more than 2^14"),
        Arguments.of("empty record", emptyRecord, "empty handshake record"),
        Arguments.of("hello over 16 KiB", bigHello, "more than 16384"),
        Arguments.of("alert record inside the hello", alertInside, "content type 21"),
        Arguments.of("truncated body", withBody(Arrays.copyOf(ok, 40)), "bytes needed"),
        Arguments.of("duplicate server_name", hello(List.of(sni("a.example"), sni("b.example"))), "twice"),
        Arguments.of("duplicate ALPN", hello(List.of(alpn("h2"), alpn("h2"))), "twice"),
        Arguments.of("server name with a space", hello(List.of(sni("a b.example"))), "invalid character 0x20"),
        Arguments.of("server name with a NUL", hello(List.of(sni("a\0.example"))), "invalid character 0x00"),
        Arguments.of("server name with a slash", hello(List.of(sni("a.example/x"))), "invalid character 0x2f"),
        Arguments.of("server name with an empty label", hello(List.of(sni("a..example"))), "empty label"),
        Arguments.of("server name ending in a dot", hello(List.of(sni("a.example."))), "ends in a dot"),
        Arguments.of("server name label over 63", hello(List.of(sni("a".repeat(64) + ".example"))), "longer than 63"),
        Arguments.of("empty server name", hello(List.of(sni(""))), "empty server name"),
        Arguments.of("server name list length wrong", hello(List.of(ext(0, new byte[] {0, 9, 0, 0, 1, 'a'}))), "server_name_list length"),
        Arguments.of("server name length past its list", hello(List.of(ext(0, new byte[] {0, 4, 0, 0, 9, 'a'}))), "server name"),
        Arguments.of("extension length past the end", hello(List.of(new byte[] {0, 5, 0, 9, 0})), "extension 5"),
        Arguments.of("empty ALPN name", hello(List.of(ext(16, new byte[] {0, 2, 0, 'x'}))), "ALPN"),
        Arguments.of("ALPN list length wrong", hello(List.of(ext(16, new byte[] {0, 1, 1, 'x'}))), "protocol_name_list"),
        Arguments.of("empty ALPN list", hello(List.of(ext(16, new byte[] {0, 0}))), "protocol_name_list"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformed(String name, byte[] input, String why) {
    ClientHello.Malformed r = assertInstanceOf(ClientHello.Malformed.class, ParserChecks.check(input, ClientHello::parse));
    assertTrue(r.why().contains(why), r.why());
  }

  /** The fuzz seeds stay what their names say (real JDK hellos), so the campaign starts deep. */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"jdk-tls13-sni-alpn", "jdk-tls12-sni", "jdk-tls13-no-sni",
      "jdk-tls13-records-of-100", "jdk-tls13-records-of-3"})
  void fuzzSeedsAreRealHellos(String seed) throws Exception {
    try (var in = getClass().getResourceAsStream("ClientHelloFuzzTestInputs/parse/" + seed)) {
      ClientHello.Result r = ClientHello.parse(Bufs.exact(in.readAllBytes()));
      ClientHello.Hello h = assertInstanceOf(ClientHello.Hello.class, r);
      assertEquals(seed.contains("no-sni"), h.sni() == null, h.toString());
    }
  }

  /** Flipping any single byte of a real hello never makes the parser throw (and mostly it notices). */
  @Test
  void corruptingAnyByteNeverThrows() throws Exception {
    byte[] jdk = TlsHellos.jdk("TLSv1.3", "httpbin.org", "h2");
    for (int i = 0; i < jdk.length; i++) {
      for (int x : new int[] {0x01, 0x80, 0xFF}) {
        byte[] c = jdk.clone();
        c[i] ^= (byte) x;
        ParserChecks.check(c, ClientHello::parse);
      }
    }
  }
}
