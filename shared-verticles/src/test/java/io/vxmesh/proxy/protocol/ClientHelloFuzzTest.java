package io.vxmesh.proxy.protocol;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target for {@link ClientHello#parse}: any bytes give one of its documented results (see
 * {@link ParserChecks}). The inputs directory holds real ClientHellos (JDK SSLEngine, TLS 1.2 and
 * 1.3, with and without SNI and ALPN) as seeds and any crash a campaign found.
 */
class ClientHelloFuzzTest {

  @DictionaryEntries({"\u0016\u0003\u0001", "\u0016\u0003\u0003", "\u0000\u0000", "\u0000\u0010", "h2", "http/1.1"})
  @FuzzTest(maxDuration = "15s")
  void parse(byte[] data) {
    ParserChecks.check(data, ClientHello::parse);
  }
}
