package io.vxmesh.load.jmh;

import io.vxmesh.compile.CompiledMesh;
import io.vxmesh.compile.ProxyTable;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.resource.ResourceParser;
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
 * The control-plane path for a mesh of {@code routes} routes (3 resources each, see
 * {@link MeshFixture}): parsing the manifests, compiling the snapshot ({@code MeshCompiler.compile}),
 * and specialising the compiled mesh for a gateway and for a sidecar ({@code forProxy}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-XX:+UseSerialGC"})
public class CompileBenchmark {

  @Param({"10000"})
  int routes;

  private String manifests;
  private MeshSnapshot snapshot;
  private CompiledMesh compiled;

  @Setup(Level.Trial)
  public void setUp() {
    manifests = MeshFixture.manifests(routes);
    snapshot = MeshFixture.snapshot(routes);
    compiled = MeshFixture.compile(snapshot);
    if (compiled.hasErrors()) {
      throw new IllegalStateException("the generated mesh compiles with errors: " + compiled.findings());
    }
  }

  @Benchmark
  public ResourceParser.Result parse() {
    return ResourceParser.parse("bench.yaml", manifests);
  }

  @Benchmark
  public CompiledMesh compile() {
    return MeshFixture.compile(snapshot);
  }

  @Benchmark
  public ProxyTable forGateway() {
    return MeshFixture.gatewayTable(compiled);
  }

  @Benchmark
  public ProxyTable forSidecar() {
    return MeshFixture.sidecarTable(compiled);
  }
}
