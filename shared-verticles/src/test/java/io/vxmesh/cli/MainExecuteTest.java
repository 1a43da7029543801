package io.vxmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Main.execute: a proxy's arguments run with the lean model, everything else with the full one. */
class MainExecuteTest {

  /** What ran, in order. */
  static final List<String> RAN = new ArrayList<>();

  @Command(name = "top", mixinStandardHelpOptions = true, version = "top 1")
  static final class Top implements Callable<Integer> {
    @Option(names = "--x")
    String x;

    @Override
    public Integer call() {
      RAN.add("top x=" + x);
      return 0;
    }
  }

  @Command(name = "sub")
  static final class Sub implements Callable<Integer> {
    @Option(names = "--y")
    String y;

    @Override
    public Integer call() {
      RAN.add("sub y=" + y);
      return 3;
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // args, exit, model used, what ran, what the output holds
        Arguments.of(List.of("--x", "1"), 0, "lean", "top x=1", ""),
        Arguments.of(List.of(), 0, "lean", "top x=null", ""),
        Arguments.of(List.of("sub", "--y", "2"), 3, "full", "sub y=2", ""),
        Arguments.of(List.of("--x", "1", "sub"), 3, "full", "sub y=null", ""),
        Arguments.of(List.of("--help"), 0, "full", "", "Commands:"),
        Arguments.of(List.of("-V"), 0, "full", "", "top 1"),
        Arguments.of(List.of("--bogus"), 2, "full", "", "Unknown option: '--bogus'"),
        Arguments.of(List.of("sbu"), 2, "full", "", "sub"),
        Arguments.of(List.of("--x"), 2, "full", "", "Missing required parameter for option '--x'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void runsWithTheModelTheArgumentsNeed(List<String> args, int exit, String model, String ran, String output) {
    RAN.clear();
    List<String> built = new ArrayList<>();
    StringWriter out = new StringWriter();
    int code = Main.execute(() -> {
      built.add("lean");
      return quiet(new CommandLine(new Top()), out);
    }, () -> {
      built.add("full");
      return quiet(new CommandLine(new Top()).addSubcommand(new Sub()), out);
    }, args.toArray(String[]::new));
    assertEquals(exit, code, out.toString());
    assertEquals(model.equals("lean") ? List.of("lean") : List.of("lean", "full"), built);
    assertEquals(ran.isEmpty() ? List.of() : List.of(ran), RAN);
    assertTrue(out.toString().contains(output), out.toString());
    if (model.equals("full") && exit == 2) {
      assertTrue(out.toString().contains("Commands:"), "an error shows the whole usage: " + out);
    }
  }

  private static CommandLine quiet(CommandLine cmd, StringWriter sink) {
    PrintWriter w = new PrintWriter(sink, true);
    return cmd.setOut(w).setErr(w);
  }
}
