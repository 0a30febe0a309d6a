package monarch.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import monarch.config.MonarchConfig;
import monarch.logging.LogLevel;
import monarch.logging.LoggingOptions;
import monarch.mesh.HostMesh;
import monarch.mesh.ProcCommand;
import monarch.mesh.ProcFailure;
import monarch.mesh.ProcMesh;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code monarch run -n N -- COMMAND}: N procs on this host each run COMMAND (an executable, or a
 * Java main class on the class path) with RANK, LOCAL_RANK and WORLD_SIZE set, and their output
 * streams here. Like mpirun, the first rank to fail stops the others and its status is the exit
 * status; Ctrl-C stops every rank after flushing what they wrote.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run COMMAND in N procs on this host and stream their output, in order, per proc.",
    footer = {"", "Examples:", "  monarch run -n 4 -- sh -c 'echo hello from $RANK'",
        "  monarch run -n 2 --aggregate 3 -- python3 train.py", "  monarch run -n 2 -- com.example.Main arg"})
public final class RunCommand implements Callable<Integer> {
  /** Exit status when a command is neither an executable nor a main class, as shells use. */
  static final int NOT_FOUND = 127;
  static final int INTERRUPTED = 130;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = {"-n", "--procs"}, required = true, paramLabel = "N", description = "number of procs")
  int procs;

  @Option(names = "--aggregate", paramLabel = "SEC|off", defaultValue = "off",
      description = "group similar lines over a window of SEC seconds (default: off, every line)")
  String aggregate;

  @Option(names = "--level", paramLabel = "L", defaultValue = "INFO",
      description = "log level of JVM procs: DEBUG, INFO, WARNING, ERROR, FATAL or 0..255 (default: INFO)")
  String level;

  @Option(names = "--no-prefix", description = "do not put [rank] before each line")
  boolean noPrefix;

  @Option(names = "--files", paramLabel = "DIR", description = "also write per-proc stdout/stderr files to DIR")
  Path files;

  @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "the command (and its arguments) each proc runs")
  List<String> command;

  @Override
  public Integer call() {
    if (procs < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "-n must be at least 1, got " + procs);
    }
    LoggingOptions logging = new LoggingOptions(true, window(), level());
    ProcCommand what = resolve(command);
    if (what == null) {
      System.err.println("monarch run: '" + command.get(0) + "' is neither an executable (a path, or a"
          + " name on PATH) nor a Java main class on the class path");
      return NOT_FOUND;
    }
    MonarchConfig config = MonarchConfig.fromEnvironment().withPrefixWithRank(!noPrefix);
    if (files != null) {
      config = config.withFileLog(files);
    }
    AtomicBoolean interrupted = new AtomicBoolean();
    Thread onCtrlC = new Thread(() -> interrupted.set(true), "monarch-run-interrupt");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    try (HostMesh host = HostMesh.local(config)) {
      ProcMesh pm = host.spawnProcs(Map.of("procs", procs), what, logging);
      Object first = CompletableFuture.anyOf(pm.exitStatuses(), pm.firstFailure()).join();
      if (first instanceof ProcFailure f) {
        System.err.println("monarch run: rank " + f.rank() + " " + f.describe().replaceFirst("^rank \\d+ ", "")
            + (procs > 1 ? "; stopping the other ranks" : ""));
        pm.stop();
        return f.exitStatus() > 0 ? f.exitStatus() : 1;
      }
      pm.stop();
      return 0;
    } catch (RuntimeException e) {
      if (interrupted.get()) {
        return INTERRUPTED;
      }
      throw e;
    } finally {
      if (!interrupted.get()) {
        Runtime.getRuntime().removeShutdownHook(onCtrlC);
      }
    }
  }

  private Integer window() {
    if (aggregate.equalsIgnoreCase("off")) {
      return null;
    }
    try {
      int w = Integer.parseInt(aggregate);
      if (w >= 1) {
        return w;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CommandLine.ParameterException(spec.commandLine(),
        "--aggregate takes a number of seconds (at least 1) or 'off', got '" + aggregate + "'");
  }

  private int level() {
    try {
      return LogLevel.check(Integer.parseInt(level));
    } catch (NumberFormatException e) {
      try {
        return LogLevel.valueOf(level.toUpperCase().replace("CRITICAL", "FATAL")).value();
      } catch (IllegalArgumentException unknown) {
        // reported below
      }
    } catch (IllegalArgumentException outOfRange) {
      // reported below
    }
    throw new CommandLine.ParameterException(spec.commandLine(),
        "--level takes DEBUG, INFO, WARNING, ERROR, FATAL or a number in 0..255, got '" + level + "'");
  }

  /** An executable (a path, or on PATH) or a main class on our class path; null if neither. */
  static ProcCommand resolve(List<String> command) {
    String name = command.get(0);
    if (name.contains(File.separator)) {
      return Files.isExecutable(Paths.get(name)) ? ProcCommand.executable(command) : null;
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, name)) && !Files.isDirectory(Paths.get(dir, name))) {
        return ProcCommand.executable(command);
      }
    }
    try {
      Class<?> cls = Class.forName(name, false, RunCommand.class.getClassLoader());
      cls.getMethod("main", String[].class);
      return ProcCommand.javaMain(name, command.subList(1, command.size()));
    } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
      return null;
    }
  }
}
