package io.vxmesh.sidecar;

import io.vertx.core.json.JsonObject;
import io.vxmesh.cli.CommonOptions;
import io.vxmesh.cli.Main;
import io.vxmesh.cli.PodIdentityOptions;
import io.vxmesh.cli.ValidateCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code java -jar vxmesh-sidecar.jar}: the injected sidecar. */
@Command(name = "vxmesh-sidecar", mixinStandardHelpOptions = true, version = "vxmesh-sidecar 0.1.0",
    description = "Sidecar: intercepts the pod's TCP (outbound on --outbound-port, inbound on --inbound-port),"
        + " routes and authorises it.")
public final class SidecarMain implements Callable<Integer> {

  @Mixin
  CommonOptions common;

  @Mixin
  PodIdentityOptions identity;

  @Option(names = "--outbound-port", paramLabel = "PORT", description = "Outbound capture port. Default: 15001.")
  Integer outboundPort;

  @Option(names = "--inbound-port", paramLabel = "PORT", description = "Inbound capture port. Default: 15003.")
  Integer inboundPort;

  @Option(names = "--inbound-to-localhost",
      description = "Deliver inbound connections to 127.0.0.1 instead of the pod's address (for applications"
          + " that listen on loopback only).")
  Boolean inboundToLocalhost;

  JsonObject flags() {
    JsonObject flags = common.toJson();
    identity.addTo(flags);
    CommonOptions.put(flags, "outboundPort", outboundPort);
    CommonOptions.put(flags, "inboundPort", inboundPort);
    CommonOptions.put(flags, "inboundToLocalhost", inboundToLocalhost);
    return flags;
  }

  @Override
  public Integer call() {
    return Main.runProxy(flags(), new SidecarModule());
  }

  /** The whole command line: the sidecar and its subcommand, {@code validate}. */
  public static CommandLine commandLine() {
    return new CommandLine(new SidecarMain()).addSubcommand(new ValidateCommand());
  }

  public static void main(String[] args) {
    Main.beforeParsing(); // JIT priority and warm-up, while picocli builds its model
    // A proxy run without the subcommand's model (see Main.execute).
    int code = Main.execute(() -> new CommandLine(new SidecarMain()), SidecarMain::commandLine, args);
    Main.exit(code);
  }
}
