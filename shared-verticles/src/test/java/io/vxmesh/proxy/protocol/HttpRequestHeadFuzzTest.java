package io.vxmesh.proxy.protocol;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target for {@link HttpRequestHead#parse}: any bytes give one of its documented results
 * (see {@link ParserChecks}), and a complete head's helpers answer without throwing.
 */
class HttpRequestHeadFuzzTest {

  @DictionaryFile(resourcePath = "http.dict")
  @FuzzTest(maxDuration = "15s")
  void parse(byte[] data) {
    int max = 64 + (data.length == 0 ? 0 : (data[0] & 0xFF) * 8);
    HttpRequestHead.Result r = ParserChecks.check(data, b -> HttpRequestHead.parse(b, max));
    if (r instanceof HttpRequestHead.Head h) {
      h.host();
      h.path();
      h.query();
      h.bodyFraming();
      h.keepAlive();
      h.expectsContinue();
    }
  }
}
