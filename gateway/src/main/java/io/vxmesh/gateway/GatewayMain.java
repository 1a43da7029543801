package io.vxmesh.gateway;

import io.vertx.core.json.JsonObject;
import io.vxmesh.cli.CommonOptions;
import io.vxmesh.cli.Main;
import io.vxmesh.cli.ValidateCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code java -jar vxmesh-gateway.jar}: the named ingress gateway. */
@Command(name = "vxmesh-gateway", mixinStandardHelpOptions = true, version = "vxmesh-gateway 0.1.0",
    description = "Ingress gateway: serves the TCP ports of the Istio Gateways whose selector matches"
        + " --labels, routing by their VirtualServices.",
    subcommands = {ValidateCommand.class})
public final class GatewayMain implements Callable<Integer> {

  @Mixin
  CommonOptions common;

  @Option(names = "--address", paramLabel = "IP", description = "Address the Gateway ports listen on. Default: 0.0.0.0.")
  String address;

  @Option(names = "--pod", paramLabel = "NAME", description = "Name of this gateway's pod (for logs and identity).")
  String pod;

  @Option(names = "--service-account", paramLabel = "SA",
      description = "Service account of this gateway's pod: its identity as a meshed source under SMI policy.")
  String serviceAccount;

  @Override
  public Integer call() {
    JsonObject flags = common.toJson();
    CommonOptions.put(flags, "address", address);
    CommonOptions.put(flags, "pod", pod);
    CommonOptions.put(flags, "serviceAccount", serviceAccount);
    return Main.runProxy(flags, new GatewayModule());
  }

  public static void main(String[] args) {
    int code = new CommandLine(new GatewayMain()).execute(args);
    if (code != Main.KEEP_RUNNING) {
      System.exit(code);
    }
  }
}
