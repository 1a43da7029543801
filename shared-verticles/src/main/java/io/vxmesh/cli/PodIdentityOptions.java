package io.vxmesh.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Option;

/**
 * Who the pod running the proxy is, for both jars: its name and its service account (a sidecar's
 * SMI identity; a gateway's, when it is a meshed source). Required for sidecars (checked by
 * {@link io.vxmesh.config.ProxyConfig}).
 */
public final class PodIdentityOptions {

  @Option(names = "--pod", paramLabel = "NAME", description = "Name of this proxy's pod.")
  String pod;

  @Option(names = "--service-account", paramLabel = "SA",
      description = "Service account of this proxy's pod: its identity under SMI policy.")
  String serviceAccount;

  /** Adds the flags that were given to {@code flags} as configuration keys. */
  public JsonObject addTo(JsonObject flags) {
    CommonOptions.put(flags, "pod", pod);
    CommonOptions.put(flags, "serviceAccount", serviceAccount);
    return flags;
  }
}
