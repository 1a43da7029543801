package io.vxmesh.load.jmh;

import io.vxmesh.compile.CompiledMesh;
import io.vxmesh.compile.ConnectionFacts;
import io.vxmesh.compile.Decision;
import io.vxmesh.compile.ProxyTable;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-connection decision ({@link ProxyTable#decide}) in a table compiled from {@code routes}
 * routes. {@code gateway-*}: one listener whose rules are tried in order (first, middle and last
 * rule matching, and no rule matching: the whole list is scanned); {@code sidecar-random}: the
 * destination is one of the n service addresses, drawn at random per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseSerialGC"})
public class DecisionBenchmark {

  @Param({"10000"})
  int routes;

  @Param({"gateway-first", "gateway-middle", "gateway-last", "gateway-miss", "sidecar-random"})
  String scenario;

  private ProxyTable table;
  private ConnectionFacts[] facts;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    CompiledMesh mesh = MeshFixture.compile(MeshFixture.snapshot(routes));
    boolean sidecar = scenario.startsWith("sidecar");
    table = sidecar ? MeshFixture.sidecarTable(mesh) : MeshFixture.gatewayTable(mesh);
    facts = switch (scenario) {
      case "gateway-first" -> new ConnectionFacts[] {MeshFixture.facts(0)};
      case "gateway-middle" -> new ConnectionFacts[] {MeshFixture.facts(routes / 2)};
      case "gateway-last" -> new ConnectionFacts[] {MeshFixture.facts(routes - 1)};
      case "gateway-miss" -> new ConnectionFacts[] {MeshFixture.miss()};
      case "sidecar-random" -> {
        SplittableRandom r = new SplittableRandom(42);
        ConnectionFacts[] f = new ConnectionFacts[4096];
        for (int i = 0; i < f.length; i++) {
          f[i] = MeshFixture.facts(r.nextInt(routes));
        }
        yield f;
      }
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    };
    // Refuse to time a table that decides wrongly.
    Decision d = table.decide(facts[0]);
    boolean miss = scenario.equals("gateway-miss");
    if (miss != (d instanceof Decision.Reject) || (!miss && !(d instanceof Decision.Forward))) {
      throw new IllegalStateException(scenario + ": unexpected decision " + d);
    }
  }

  @Benchmark
  public Decision decide() {
    ConnectionFacts f = facts[next];
    next = (next + 1) & (facts.length - 1);
    return table.decide(f);
  }
}
