package io.vxmesh.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;

/**
 * HTTP/1.1 through a vxmesh ingress gateway to the load backend's HTTP server. {@code users}
 * virtual users each keep one keep-alive connection through the gateway and loop for
 * {@code seconds}: a short text ({@code GET /}) and a 16 KiB body ({@code GET /bytes/16384}).
 * Run by {@code load-tests/gatling.sh}, which starts the backend and the gateway and passes
 * {@code -Dvxmesh.gateway.url}; Gatling writes its HTML report under {@code load-tests/target/gatling}.
 * The run fails (Gatling assertions) if any request fails.
 */
public class GatewayHttpSimulation extends Simulation {

  private static final String BASE = System.getProperty("vxmesh.gateway.url", "http://127.0.0.1:19080");
  private static final int USERS = Integer.getInteger("vxmesh.users", 16);
  private static final int SECONDS = Integer.getInteger("vxmesh.seconds", 20);

  private final HttpProtocolBuilder protocol = http
      .baseUrl(BASE)
      .acceptHeader("*/*")
      .userAgentHeader("vxmesh-gatling")
      .warmUp(BASE + "/");

  private final ScenarioBuilder scenario = scenario("HTTP through the vxmesh gateway")
      .during(Duration.ofSeconds(SECONDS)).on(exec(
          http("GET /").get("/")
              .check(status().is(200), bodyString().is("hello from the vxmesh load backend\n")),
          http("GET /bytes/16384").get("/bytes/16384")
              .check(status().is(200), bodyString().transform(String::length).is(16384))));

  {
    setUp(scenario.injectOpen(atOnceUsers(USERS)))
        .protocols(protocol)
        .maxDuration(Duration.ofSeconds(SECONDS + 30))
        .assertions(global().failedRequests().count().is(0L), global().successfulRequests().count().gt(0L));
  }
}
