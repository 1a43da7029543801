package io.vxmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.common.IpAddress;
import io.vxmesh.compile.CompiledMesh;
import io.vxmesh.compile.ConnectionFacts;
import io.vxmesh.compile.Decision;
import io.vxmesh.compile.MeshCompiler;
import io.vxmesh.compile.ProxyIdentity;
import io.vxmesh.compile.Seeds;
import io.vxmesh.discovery.ResourceDirectory;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.resource.Finding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code validate DIR}: the findings it prints (file, resource, problem), and its exit code: 0 when
 * nothing is an error, 1 when something is, 2 when the directory cannot be read.
 */
class ValidateCommandTest {

  @TempDir
  Path dir;

  /** What one run printed and returned. */
  record Run(int exit, List<String> lines) {
    String text() {
      return String.join("\n", lines);
    }

    /** The one printed line that starts with {@code prefix}. */
    String line(String prefix) {
      List<String> hits = lines.stream().filter(l -> l.startsWith(prefix)).toList();
      assertEquals(1, hits.size(), () -> "one line starting with " + prefix + " in\n" + text());
      return hits.get(0);
    }

    String summary() {
      return lines.get(lines.size() - 1);
    }

    /** Each finding is one line {@code SEVERITY CODE file: ...}; the last line is the summary. */
    void assertOneFindingPerLine() {
      for (String l : lines.subList(0, lines.size() - 1)) {
        assertTrue(l.matches("(ERROR|WARNING|INFO) VX\\d{4} \\S.*"), () -> "not a finding line: " + l + "\nin\n" + text());
      }
      assertTrue(summary().matches("\\d+ errors?, \\d+ warnings? in \\d+ files? \\(\\d+ resources vxmesh reads\\)"), summary());
    }
  }

  static Run validate(Path directory) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int exit = ValidateCommand.validate(directory, out);
    return new Run(exit, bytes.toString(StandardCharsets.UTF_8).lines().toList());
  }

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    return f;
  }

  // ---------------------------------------------------------------- the seed's own mistakes

  @Test
  void theSeedsThreeMistakesAreFlagged() {
    Seeds.layOut(dir, "gateways-as-written", "weights-as-written");
    Run run = validate(dir);
    assertEquals(1, run.exit(), run.text());

    // ingressgateway-2.yaml declares name: ingressgateway-1; both files are named.
    String duplicate = run.line("ERROR VX0004 gateways-as-written/ingressgateway-2.yaml: Gateway istio-system/ingressgateway-1: ");
    assertTrue(duplicate.contains("is also defined in gateways-as-written/ingressgateway-1.yaml"), duplicate);

    // The DestinationRule's host matches no Service; the intended one is suggested.
    String host = run.line("ERROR VX0101 weights-as-written/echoserver-dr.yaml: DestinationRule default/echo: ");
    assertTrue(host.contains("spec.host \"echo.default.svc.cluster.local\""), host);
    assertTrue(host.contains("matches no Service (did you mean echo-server.default.svc.cluster.local?)"), host);

    // http: routes for echo-server's TCP port.
    String http = run.line("ERROR VX0104 weights-as-written/echoserver-vs.yaml: VirtualService default/echo: ");
    assertTrue(http.contains("spec.http has 1 http route, but port 19000 (tcp) of Service default/echo-server carries TCP"), http);
    assertTrue(http.contains("write them under spec.tcp"), http);

    // A consequence of the duplicate: ingressgateway-vs.yaml names a Gateway that no longer exists.
    assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("ERROR VX0107 gateways-as-written/ingressgateway-vs.yaml: "
        + "VirtualService istio-system/ingressgateway: spec.gateways names Gateway istio-system/ingressgateway-2")), run.text());

    assertEquals("5 errors, 0 warnings in 9 files (12 resources vxmesh reads)", run.summary());
    run.assertOneFindingPerLine();
  }

  static Stream<String> correctedScenarios() {
    return Seeds.SCENARIOS.stream().filter(s -> !s.endsWith("-as-written"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("correctedScenarios")
  void theCorrectedSeedScenariosAreClean(String scenario) {
    Seeds.layOut(dir, scenario);
    Run run = validate(dir);
    assertEquals(0, run.exit(), run.text());
    assertEquals(1, run.lines().size(), run.text());
    assertTrue(run.summary().startsWith("0 errors, 0 warnings in "), run.summary());
  }

  // ---------------------------------------------------------------- other findings

  static final String SERVICE = """
      apiVersion: v1
      kind: Service
      metadata: {name: echo-server}
      spec:
        clusterIP: 10.96.0.10
        selector: {app: echo-server}
        ports: [{name: tcp, port: 19000, targetPort: 9000}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: echo-server-1, labels: {app: echo-server, version: prod}}
      status: {podIP: 10.0.0.11}
      """;

  static String virtualService(String tcp) {
    return """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: echo}
        spec:
          hosts: [echo-server]
          tcp:
        """ + tcp.stripIndent().indent(4);
  }

  static Stream<Arguments> findings() {
    return Stream.of(
        Arguments.of("unknown subset", virtualService("- route: [{destination: {host: echo-server, subset: gray}}]"), 1,
            "ERROR VX0102 vs.yaml: VirtualService default/echo: tcp[0].route[0] subset \"gray\" of"
                + " echo-server.default.svc.cluster.local is defined by no DestinationRule"),
        Arguments.of("weights summing to 0", virtualService("""
                - route:
                    - {destination: {host: echo-server}, weight: 0}
                    - {destination: {host: echo-server}, weight: 0}"""), 1,
            "ERROR VX0002 vs.yaml: VirtualService default/echo: spec.tcp[0].route: the weights of 2 destinations sum to 0"),
        Arguments.of("a rule shadowed by an earlier catch-all (a warning: exit 0)", virtualService("""
                - route: [{destination: {host: echo-server}}]
                - match: [{port: 19000}]
                  route: [{destination: {host: echo-server}}]"""), 0,
            "WARNING VX0106 vs.yaml: VirtualService default/echo: tcp[1] is never used: tcp[0] before it matches every connection"),
        Arguments.of("unknown gateway", virtualService("- route: [{destination: {host: echo-server}}]")
                .replace("hosts: [echo-server]", "hosts: ['*']\n  gateways: [ingressgateway-1]"), 1,
            "ERROR VX0107 vs.yaml: VirtualService default/echo: spec.gateways names Gateway default/ingressgateway-1,"
                + " which does not exist"),
        Arguments.of("unparseable YAML", "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nspec: {tcp: [\n", 1,
            "ERROR VX0001 vs.yaml: not valid YAML (line 3, column 14): while parsing a flow node at line 4, column 1:"
                + " expected the node content, but found '<stream end>'; nothing from it is in force"),
        Arguments.of("a malformed field", virtualService("- match: [{port: nineteen-thousand}]\n  route: [{destination: {host: echo-server}}]"), 1,
            "ERROR VX0002 vs.yaml: VirtualService default/echo: spec.tcp[0].match[0].port: expected an integer,"
                + " got \"nineteen-thousand\"; the resource is rejected"),
        Arguments.of("an apiVersion vxmesh does not read (a warning)", virtualService("- route: [{destination: {host: echo-server}}]")
                .replace("networking.istio.io/v1beta1", "networking.istio.io/v2"), 0,
            "WARNING VX0003 vs.yaml: VirtualService default/echo: apiVersion networking.istio.io/v2 is not read by vxmesh"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void findings(String name, String vs, int exit, String expected) throws IOException {
    write("services.yaml", SERVICE);
    write("vs.yaml", vs);
    Run run = validate(dir);
    assertEquals(exit, run.exit(), run.text());
    run.assertOneFindingPerLine();
    assertTrue(run.lines().stream().anyMatch(l -> l.startsWith(expected)), () -> "expected a line starting with\n  "
        + expected + "\ngot\n  " + String.join("\n  ", run.lines()));
  }

  // ---------------------------------------------------------------- exit codes

  @Test
  void exitCodes() throws IOException {
    write("services.yaml", SERVICE);
    assertEquals(0, validate(dir).exit(), "nothing to report");
    Run empty = validate(Files.createDirectory(dir.resolve("empty")));
    assertEquals(0, empty.exit());
    assertEquals("0 errors, 0 warnings in 0 files (0 resources vxmesh reads)", empty.summary());

    write("vs.yaml", virtualService("- route: [{destination: {host: nowhere}}]"));
    Run error = validate(dir);
    assertEquals(1, error.exit(), error.text());
    assertTrue(error.summary().startsWith("1 error, "), error.summary());

    Run missing = validate(dir.resolve("does-not-exist"));
    assertEquals(2, missing.exit());
    assertTrue(missing.text().startsWith("ERROR resource directory ") && missing.text().contains("does not exist"), missing.text());
    assertEquals(2, validate(dir.resolve("services.yaml")).exit(), "a file is not a directory");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"clean", "error", "missing"})
  void theCommandLineExitsWithTheSameCode(String kind) throws IOException {
    write("services.yaml", SERVICE);
    if (kind.equals("error")) {
      write("vs.yaml", virtualService("- route: [{destination: {host: nowhere}}]"));
    }
    Path target = kind.equals("missing") ? dir.resolve("nope") : dir;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit = new CommandLine(new ValidateCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8)))
        .execute(target.toString());
    assertEquals(Map.of("clean", 0, "error", 1, "missing", 2).get(kind), exit, bytes.toString(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------- a bad edit keeps what works

  static final ProxyIdentity CLIENT = ProxyIdentity.sidecar("default", "client", "client", Map.of("app", "client"));
  static final ConnectionFacts TO_ECHO = new ConnectionFacts(15001, IpAddress.parse("10.96.0.10"), 19000);

  static String routeOf(CompiledMesh mesh) {
    Decision d = mesh.forProxy(CLIENT, "v").decide(TO_ECHO);
    return String.valueOf(assertInstanceOf(Decision.Forward.class, d).rule());
  }

  @Test
  void anUnparseableFileKeepsItsLastGoodVersion() throws IOException {
    write("services.yaml", SERVICE);
    write("vs.yaml", virtualService("- route: [{destination: {host: echo-server}}]"));
    ResourceDirectory rd = new ResourceDirectory(dir);
    CompiledMesh good = MeshCompiler.compile(rd.scan().snapshot());
    assertEquals("default/echo tcp[0]", routeOf(good));

    write("vs.yaml", "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {name: echo\n");
    MeshSnapshot second = rd.scan().snapshot();
    assertNotNull(second, "a broken file is a change to report");
    CompiledMesh kept = MeshCompiler.compile(second);
    assertEquals("default/echo tcp[0]", routeOf(kept), "the last good VirtualService still routes");
    Finding f = kept.findings().stream().filter(x -> x.code() == Finding.Code.PARSE_ERROR).findFirst().orElseThrow();
    assertEquals("vs.yaml", f.source());
    assertTrue(f.message().startsWith("not valid YAML (line "), f.message());
    assertTrue(f.message().endsWith("; its last good version (1 resources) stays in force"), f.message());

    // A fresh reader (what validate is) has no good version to keep, and says so.
    Run run = validate(dir);
    assertEquals(1, run.exit());
    assertTrue(run.line("ERROR VX0001 vs.yaml: not valid YAML").endsWith("; nothing from it is in force"), run.text());
  }

  @Test
  void aResourceRefusedByAdmissionKeepsItsPreviousVersion() throws IOException {
    write("services.yaml", SERVICE);
    write("vs.yaml", virtualService("- route: [{destination: {host: echo-server}}]"));
    ResourceDirectory rd = new ResourceDirectory(dir);
    assertEquals("default/echo tcp[0]", routeOf(MeshCompiler.compile(rd.scan().snapshot())));

    write("vs.yaml", virtualService("""
        - match: [{port: 19001}]
          route: [{destination: {host: echo-server}}]
        - route:
            - {destination: {host: echo-server}, weight: 0}
            - {destination: {host: echo-server}}"""));
    CompiledMesh kept = MeshCompiler.compile(rd.scan().snapshot());
    assertEquals("default/echo tcp[0]", routeOf(kept), "the previous version stays in force");
    List<String> lines = kept.findings().stream().map(Finding::format).toList();
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("ERROR VX0002 vs.yaml: VirtualService default/echo: spec.tcp[1].route:"
        + " the weights of 2 destinations sum to 0")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("INFO VX0002 vs.yaml: VirtualService default/echo: its previous"
        + " version (from vs.yaml) stays in force")), lines.toString());
  }
}
