package io.vxmesh.proxy.protocol;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** Jazzer target for {@link HttpResponseHead#parse} (see {@link ParserChecks}). */
class HttpResponseHeadFuzzTest {

  private static final String[] METHODS = {"GET", "HEAD", "CONNECT", "POST", null};

  @DictionaryFile(resourcePath = "http.dict")
  @FuzzTest(maxDuration = "15s")
  void parse(byte[] data) {
    String method = METHODS[data.length % METHODS.length];
    HttpResponseHead.Result r = ParserChecks.check(data, b -> HttpResponseHead.parse(b, 8192, method));
    if (r instanceof HttpResponseHead.Head h) {
      h.keepAlive();
      h.informational();
    }
  }
}
