package io.vxmesh.gateway.inject;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vxmesh-gateway inject -f FILE}: prints the manifests with the sidecar and its init container
 * added exactly as the injection webhook would patch them (like {@code istioctl kube-inject});
 * objects that are not pods or pod templates pass through unchanged. {@code -f -} reads standard
 * input. Exit 0 on success, 1 when an object cannot be injected (nothing printed), 2 on bad usage.
 */
@Command(name = "inject", mixinStandardHelpOptions = true,
    description = "Print manifests with the vxmesh sidecar injected, as the webhook would do it.")
public final class InjectCommand implements Callable<Integer> {

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "Manifests to inject (YAML, multi-document, or JSON); - for standard input.")
  String file;

  @Option(names = "--injection-config", paramLabel = "FILE",
      description = "YAML/JSON file of injection settings (image, imagePullPolicy, proxyUid, ports, clusterDns,"
          + " logLevel, cpu/memory requests and limits).")
  Path injectionConfig;

  @Option(names = "--sidecar-image", paramLabel = "IMAGE",
      description = "Image of the sidecar and its init container. Default: " + InjectionSettings.DEFAULT_IMAGE + ".")
  String sidecarImage;

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;

  public InjectCommand() {
    this(System.in, System.out, System.err);
  }

  public InjectCommand(InputStream in, PrintStream out, PrintStream err) {
    this.in = in;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    InjectionSettings settings;
    String text;
    try {
      settings = settings(injectionConfig, sidecarImage);
      text = file.equals("-") ? new String(in.readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(file));
    } catch (IOException | IllegalArgumentException e) {
      err.println("vxmesh inject: " + e.getMessage());
      return 2;
    }
    ManifestInjector.Result r = new ManifestInjector(new Injector(settings)).inject(file, text);
    r.notes().forEach(n -> err.println("vxmesh inject: " + n));
    if (!r.ok()) {
      r.errors().forEach(e -> err.println("vxmesh inject: ERROR " + e));
      return 1;
    }
    out.print(r.output());
    out.flush();
    return 0;
  }

  /** The settings from an optional file, then an optional image; both the webhook and this command use it. */
  public static InjectionSettings settings(Path file, String image) throws IOException {
    InjectionSettings s = InjectionSettings.DEFAULTS;
    if (file != null) {
      String text = Files.readString(file);
      Object tree = new com.fasterxml.jackson.databind.ObjectMapper(
          new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readValue(text, Object.class);
      if (tree == null) {
        tree = java.util.Map.of();
      }
      if (!(tree instanceof java.util.Map<?, ?> m)) {
        throw new IllegalArgumentException(file + ": injection settings must be a map of setting: value");
      }
      try {
        s = InjectionSettings.from(new JsonObject(new JsonObject(castMap(m)).encode()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
    }
    return image == null ? s : s.withImage(image);
  }

  @SuppressWarnings("unchecked")
  private static java.util.Map<String, Object> castMap(java.util.Map<?, ?> m) {
    return (java.util.Map<String, Object>) m;
  }
}
