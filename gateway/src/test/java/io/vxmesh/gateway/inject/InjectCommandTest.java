package io.vxmesh.gateway.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxmesh.gateway.GatewayMain;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vxmesh-gateway inject -f}: standard input, pass-through, all-or-nothing errors, settings file. */
class InjectCommandTest {
  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  static Run run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    InjectCommand cmd = new InjectCommand(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit = new CommandLine(cmd).execute(args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: curl
        namespace: curl
      spec:
        selector:
          matchLabels: {app: curl}
        template:
          metadata:
            labels: {app: curl}
          spec:
            containers:
            - name: curl
              image: curlimages/curl
              command: ["sleep", "365d"]
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: curl
        namespace: curl
      spec:
        ports:
        - name: http
          port: 80
        selector: {app: curl}
      """;

  @Test
  void injectsPodTemplatesFromStandardInputAndPassesTheRestThrough() {
    Run r = run(DEPLOYMENT, "-f", "-");
    assertEquals(0, r.exit(), r.err());
    String[] docs = r.out().split("(?m)^---$");
    assertEquals(2, docs.length, r.out());
    assertTrue(docs[0].contains("name: vxmesh-proxy") && docs[0].contains("name: vxmesh-init"), docs[0]);
    assertTrue(docs[1].contains("kind: Service") && !docs[1].contains("vxmesh"), docs[1]);
    assertTrue(r.err().contains("injected Deployment curl/curl (pod template)"), r.err());
  }

  @Test
  void theGatewayJarHasTheSubcommand() {
    CommandLine cl = GatewayMain.commandLine();
    assertTrue(cl.getSubcommands().containsKey("inject"));
  }

  @Test
  void oneBadObjectPrintsNothingAndNamesIt() {
    String bad = DEPLOYMENT.replace("labels: {app: curl}\n    spec:",
        "labels: {app: curl}\n      annotations: {vxmesh.io/exclude-outbound-ports: \"99999\"}\n    spec:");
    Run r = run(bad, "-f", "-");
    assertEquals(1, r.exit(), r.err());
    assertEquals("", r.out());
    assertTrue(r.err().contains("ERROR - (document 1): Deployment curl/curl (pod template): annotation "
        + "vxmesh.io/exclude-outbound-ports: \"99999\" is not a port number"), r.err());
  }

  @Test
  void notYamlIsAnError() {
    Run r = run("kind: [unclosed", "-f", "-");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("not valid YAML"), r.err());
  }

  @Test
  void aMissingFileIsAUsageError() {
    Run r = run("", "-f", dir.resolve("nope.yaml").toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("nope.yaml"), r.err());
  }

  @Test
  void settingsComeFromTheFileAndTheImageFlag() throws Exception {
    Path settings = dir.resolve("injection.yaml");
    Files.writeString(settings, "image: registry.example/vxmesh:9\nlogLevel: debug\n");
    Run r = run(DEPLOYMENT, "-f", "-", "--injection-config", settings.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("image: registry.example/vxmesh:9") && r.out().contains("- debug"), r.out());
    Run flag = run(DEPLOYMENT, "-f", "-", "--injection-config", settings.toString(), "--sidecar-image", "other:1");
    assertTrue(flag.out().contains("image: other:1") && !flag.out().contains("vxmesh:9"), flag.out());
    Files.writeString(settings, "imagee: typo\n");
    Run typo = run(DEPLOYMENT, "-f", "-", "--injection-config", settings.toString());
    assertEquals(2, typo.exit());
    assertTrue(typo.err().contains("unknown injection setting 'imagee'"), typo.err());
  }

  @Test
  void jsonInJsonOut() {
    String pod = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},"
        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}";
    Run r = run(pod, "-f", "-");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("{") && new io.vertx.core.json.JsonObject(r.out()).getJsonObject("spec")
        .getJsonArray("containers").size() == 2, r.out());
  }
}
