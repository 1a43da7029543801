package io.vxmesh.cli;

import io.vxmesh.compile.CompiledMesh;
import io.vxmesh.compile.MeshCompiler;
import io.vxmesh.discovery.ResourceDirectory;
import io.vxmesh.model.MeshSnapshot;
import io.vxmesh.resource.Finding;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code validate DIR}: reads the manifests exactly as a running proxy would, compiles them, prints
 * every finding (file, resource, problem) and exits 1 when any is an error.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check a directory of manifests; print findings; exit 1 on errors.")
public final class ValidateCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR", description = "Directory of Kubernetes manifests.")
  Path directory;

  private final PrintStream out;

  public ValidateCommand() {
    this(System.out);
  }

  public ValidateCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    return validate(directory, out);
  }

  public static int validate(Path directory, PrintStream out) {
    ResourceDirectory dir = new ResourceDirectory(directory);
    MeshSnapshot snapshot;
    int files;
    try {
      ResourceDirectory.Scan scan = dir.scan();
      snapshot = scan.snapshot();
      files = scan.files();
    } catch (java.io.IOException e) {
      out.println("ERROR " + e.getMessage());
      return 2;
    }
    CompiledMesh mesh = MeshCompiler.compile(snapshot);
    int errors = 0;
    int warnings = 0;
    for (Finding f : mesh.findings()) {
      out.println(f.format());
      if (f.isError()) {
        errors++;
      } else if (f.severity() == Finding.Severity.WARNING) {
        warnings++;
      }
    }
    out.printf("%d error%s, %d warning%s in %d file%s (%d resources vxmesh reads)%n",
        errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
        files, files == 1 ? "" : "s", snapshot.resources().size());
    return errors > 0 ? 1 : 0;
  }
}
