package io.vxmesh.gateway;

import io.vertx.core.json.JsonObject;
import io.vxmesh.cli.CommonOptions;
import io.vxmesh.cli.Main;
import io.vxmesh.cli.PodIdentityOptions;
import io.vxmesh.cli.ValidateCommand;
import io.vxmesh.gateway.inject.InjectCommand;
import io.vxmesh.gateway.inject.Injector;
import io.vxmesh.gateway.inject.InjectionWebhookVerticle;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code java -jar vxmesh-gateway.jar}: the named ingress gateway. */
@Command(name = "vxmesh-gateway", mixinStandardHelpOptions = true, version = "vxmesh-gateway 0.1.0",
    description = "Ingress gateway: serves the TCP ports of the Istio Gateways whose selector matches"
        + " --labels, routing by their VirtualServices.")
public final class GatewayMain implements Callable<Integer> {

  @Mixin
  CommonOptions common;

  @Mixin
  PodIdentityOptions identity;

  @Option(names = "--address", paramLabel = "IP", description = "Address the Gateway ports listen on. Default: 0.0.0.0.")
  String address;

  @Option(names = "--injector", paramLabel = "IP:PORT",
      description = "Serve the sidecar-injection webhook (HTTPS, POST /inject) on this address. Default: off.")
  String injector;

  @Option(names = "--injector-cert", paramLabel = "FILE", description = "PEM certificate (chain) of the webhook.")
  java.nio.file.Path injectorCert;

  @Option(names = "--injector-key", paramLabel = "FILE", description = "PEM private key of the webhook.")
  java.nio.file.Path injectorKey;

  @Option(names = "--injection-config", paramLabel = "FILE",
      description = "YAML/JSON file of injection settings (see `inject --help`).")
  java.nio.file.Path injectionConfig;

  @Option(names = "--sidecar-image", paramLabel = "IMAGE", description = "Image the webhook injects.")
  String sidecarImage;

  @Override
  public Integer call() {
    JsonObject flags = common.toJson();
    CommonOptions.put(flags, "address", address);
    identity.addTo(flags);
    GatewayModule.Webhook webhook;
    try {
      webhook = webhook();
    } catch (java.io.IOException | IllegalArgumentException e) {
      System.err.println("vxmesh could not start: " + e.getMessage());
      return 2;
    }
    return Main.runProxy(flags, new GatewayModule(webhook));
  }

  /** The injection webhook the flags ask for, or null. */
  public GatewayModule.Webhook webhook() throws java.io.IOException {
    if (injector == null) {
      return null;
    }
    int colon = injector.lastIndexOf(':');
    if (colon <= 0 || injectorCert == null || injectorKey == null) {
      throw new IllegalArgumentException("--injector IP:PORT needs --injector-cert FILE and --injector-key FILE");
    }
    int port;
    try {
      port = Integer.parseInt(injector.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--injector must be IP:PORT, got '" + injector + "'");
    }
    return new GatewayModule.Webhook(
        new InjectionWebhookVerticle.Options(injector.substring(0, colon).replace("[", "").replace("]", ""), port,
            injectorCert, injectorKey, InjectionWebhookVerticle.Options.DEFAULT_RELOAD),
        new Injector(InjectCommand.settings(injectionConfig, sidecarImage)));
  }

  /** The whole command line: the gateway and its subcommands, {@code validate} and {@code inject}. */
  public static CommandLine commandLine() {
    return new CommandLine(new GatewayMain()).addSubcommand(new ValidateCommand()).addSubcommand(new InjectCommand());
  }

  public static void main(String[] args) {
    Main.beforeParsing(); // JIT priority and warm-up, while picocli builds its model
    // A proxy run without the subcommands' models (see Main.execute).
    int code = Main.execute(() -> new CommandLine(new GatewayMain()), GatewayMain::commandLine, args);
    Main.exit(code);
  }
}
