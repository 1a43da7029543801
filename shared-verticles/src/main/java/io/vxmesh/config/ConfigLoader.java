package io.vxmesh.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;

/**
 * Merges the process configuration through Vert.x Config: an optional YAML file ({@code --config}
 * or {@code VXMESH_CONFIG}), then {@code VXMESH_*} environment variables, then command-line flags;
 * a later source wins. Environment names map to keys by camel-casing what follows the prefix:
 * {@code VXMESH_OUTBOUND_PORT} is {@code outboundPort}.
 */
public final class ConfigLoader {
  public static final String ENV_PREFIX = "VXMESH_";

  private ConfigLoader() {}

  public static Future<JsonObject> load(Vertx vertx, JsonObject flags, Map<String, String> env) {
    JsonObject fromEnv = fromEnvironment(env);
    String file = flags.getString("config", fromEnv.getString("config"));
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(-1);
    if (file != null && !file.isBlank()) {
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("yaml")
          .setConfig(new JsonObject().put("path", file)));
    }
    options.addStore(new ConfigStoreOptions().setType("json").setConfig(fromEnv));
    options.addStore(new ConfigStoreOptions().setType("json").setConfig(flags));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .recover(e -> Future.failedFuture(new IllegalArgumentException(
            "cannot read the configuration" + (file == null ? "" : " file " + file) + ": " + e.getMessage(), e)))
        .andThen(ar -> retriever.close());
  }

  static JsonObject fromEnvironment(Map<String, String> env) {
    JsonObject out = new JsonObject();
    env.forEach((k, v) -> {
      if (k.startsWith(ENV_PREFIX) && k.length() > ENV_PREFIX.length()) {
        out.put(camel(k.substring(ENV_PREFIX.length())), v);
      }
    });
    return out;
  }

  static String camel(String upperSnake) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char c : upperSnake.toLowerCase(Locale.ROOT).toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }
}
