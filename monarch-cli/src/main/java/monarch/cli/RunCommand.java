package monarch.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import monarch.config.MonarchConfig;
import monarch.logging.LogLevel;
import monarch.logging.LoggingOptions;
import monarch.logging.OutputTarget;
import monarch.mesh.HostMesh;
import monarch.mesh.MeshEvent;
import monarch.mesh.MeshListener;
import monarch.mesh.MeshOutcome;
import monarch.mesh.ProcLaunchException;
import monarch.mesh.ProcCommand;
import monarch.mesh.ProcFailure;
import monarch.mesh.ProcMesh;

/**
 * {@code monarch run -n N [--] COMMAND}: N procs on this host each run COMMAND (an executable, or
 * a Java main class on the class path) with RANK, LOCAL_RANK and WORLD_SIZE set, and their output
 * streams here. Like mpirun, the first rank to fail stops the others and its status is the exit
 * status; Ctrl-C stops every rank after flushing what they wrote. Options end at COMMAND, so its
 * own flags need no {@code --}.
 */
record RunCommand(int procs, Integer window, int level, boolean noPrefix, Path files,
    List<String> command) {
  /** Exit status when a command is neither an executable nor a main class, as shells use. */
  static final int NOT_FOUND = 127;
  /** What a pipeline member whose reader went away exits with (128 + SIGPIPE), as yes in yes | head. */
  static final int OUTPUT_FAILED = 141;

  static final String USAGE = """
      Usage: monarch run -n N [--aggregate SEC|off] [--level L] [--no-prefix] [--files DIR]
                         [--] COMMAND [ARGS...]
      Run COMMAND in N procs on this host and stream their output, in order, per proc.
        -n, --procs N            number of procs
            --aggregate SEC|off  group similar lines over a window of SEC seconds
                                   (default: off, every line)
            --level L            log level of JVM procs: DEBUG, INFO, WARNING, ERROR,
                                   FATAL or 0..255 (default: INFO)
            --no-prefix          do not put [rank] before each line
            --files DIR          also write per-proc stdout/stderr files to DIR
        -h, --help               show this help and exit
      COMMAND is an executable (a path, or a name on PATH) or a Java main class on the class
      path; options end at COMMAND, so its own options need no '--'.

      Examples:
        monarch run -n 4 -- sh -c 'echo hello from $RANK'
        monarch run -n 2 --aggregate 3 python3 train.py --lr 3e-4
        monarch run -n 2 com.example.Main arg
      """;

  /** The command the arguments describe, or null if they ask for help (printed here). */
  static RunCommand parse(ArgReader in) {
    Integer procs = null;
    Integer window = null;
    int level = LogLevel.INFO.value();
    boolean noPrefix = false;
    Path files = null;
    for (String o; (o = in.nextOption()) != null; ) {
      switch (o) {
        case "-n", "--procs" -> procs = in.intValue(o, 1);
        case "--aggregate" -> window = window(in.value(o));
        case "--level" -> level = level(in.value(o));
        case "--no-prefix" -> {
          in.flag(o);
          noPrefix = true;
        }
        case "--files" -> {
          String dir = in.value(o);
          if (dir.isBlank()) {
            throw new ArgReader.UsageException("--files needs a directory");
          }
          files = Paths.get(dir);
        }
        case "-h", "--help" -> {
          System.out.print(USAGE);
          return null;
        }
        default -> throw ArgReader.unknown(o);
      }
    }
    List<String> command = in.operands();
    if (procs == null) {
      throw new ArgReader.UsageException("missing the number of procs: -n N");
    }
    if (command.isEmpty()) {
      throw new ArgReader.UsageException("missing the COMMAND each proc runs");
    }
    return new RunCommand(procs, window, level, noPrefix, files, command);
  }

  int call() {
    LoggingOptions logging = new LoggingOptions(true, window, level);
    MonarchConfig config = MonarchConfig.fromEnvironment(); // HYPERACTOR_PREFIX_WITH_RANK=false too
    ProcCommand what = resolve(command, config.procClasspath());
    if (what == null) {
      System.err.println("monarch run: '" + command.get(0) + "' is neither an executable (a path, or a"
          + " name on PATH) nor a Java main class on the procs' class path");
      return NOT_FOUND;
    }
    if (noPrefix) {
      config = config.withPrefixWithRank(false);
    }
    if (files != null) {
      try {
        java.nio.file.Files.createDirectories(files); // asked for by name: a failure stops the run
      } catch (java.io.IOException | RuntimeException e) {
        throw new IllegalArgumentException("cannot use --files " + files + ": "
            + e.getClass().getSimpleName() + " " + e.getMessage(), e);
      }
      config = config.withFileLog(files);
    }
    Signalled signalled = new Signalled(Thread.currentThread());
    CompletableFuture<OutputTarget> outputFailed = new CompletableFuture<>();
    // the library reports nothing: this command decides what to say, once the ranks are stopped
    MeshListener listener = event -> {
      if (event instanceof MeshEvent.OutputFailed o) {
        outputFailed.complete(o.target());
      }
    };
    try (SignalWatch signals = new SignalWatch(signalled::now);
         HostMesh host = HostMesh.local(config)) {
      ProcMesh pm;
      try {
        pm = host.spawnProcs(Map.of("procs", procs), what, logging, listener);
      } catch (ProcLaunchException e) {
        System.err.println("monarch run: " + e.getMessage()); // (a shell's words, and its status)
        return e.exitStatus();
      } catch (RuntimeException e) {
        if (signals.received().isDone()) {
          return signals.exitStatus();
        }
        throw e;
      } finally {
        signalled.spawnEnded();
      }
      signalled.mesh = pm;
      CompletableFuture.anyOf(pm.outcome(), signals.received(), outputFailed).handle((x, e) -> null).join();
      if (signals.received().isDone()) {
        // Stopped from outside (Ctrl-C, timeout, a scheduler): the ranks stop with the run, which
        // is not their failure; ranks that had failed before it are still reported.
        stop(pm, signalled);
        report(pm.failures().subList(0, signalled.failuresBefore(pm)), null);
        return signals.exitStatus();
      }
      if (outputFailed.isDone()) {
        // as a pipeline member whose reader went away (yes | head -1): stop, and say so
        System.err.println("monarch run: cannot write to " + outputFailed.join().name().toLowerCase()
            + " (closed by its reader?); stopping the ranks");
        stop(pm, signalled);
        return OUTPUT_FAILED;
      }
      MeshOutcome outcome = pm.outcome().join();
      if (!outcome.failed()) {
        return stop(pm, signalled) ? 0 : OUTPUT_FAILED;
      }
      ProcFailure first = outcome.firstFailure();
      System.err.println("monarch run: " + first.describe() + (procs > 1 ? "; stopping the other ranks" : ""));
      stop(pm, signalled);
      report(pm.failures(), first);
      return outcome.exitStatus();
    }
  }

  /**
   * Stops the mesh, waiting as long as this process's output takes the ranks' last lines (a
   * signal meanwhile ends the wait); false, after saying how many, if some could not be written.
   */
  private static boolean stop(ProcMesh pm, Signalled signalled) {
    signalled.stopping = true;
    pm.stop();
    long lost = pm.undeliveredLines();
    if (lost > 0) {
      System.err.println("monarch run: " + lost + " line" + (lost == 1 ? "" : "s")
          + " of the ranks' output could not be written");
    }
    return lost == 0;
  }

  /** One line per failed rank, in the order the client learned of them; {@code skip} was said. */
  private static void report(List<ProcFailure> failures, ProcFailure skip) {
    for (ProcFailure f : failures) {
      if (!f.equals(skip)) {
        System.err.println("monarch run: " + f.describe());
      }
    }
  }

  /**
   * What a signal finds: a spawn still waiting for its procs (interrupted, so the run ends now
   * rather than once they are ready) or a running mesh, whose failures so far are noted.
   */
  private static final class Signalled {
    private final Thread runner;
    private boolean spawning = true;
    volatile ProcMesh mesh;
    /** The run is stopping its mesh: a signal now ends the wait for the output. */
    volatile boolean stopping;
    /** How many failures the client knew of when the signal came; -1 before one came. */
    private volatile int failures = -1;

    Signalled(Thread runner) {
      this.runner = runner;
    }

    synchronized void now() {
      ProcMesh m = mesh;
      failures = m == null ? 0 : m.failures().size();
      if (spawning) {
        runner.interrupt();
      } else if (stopping && m != null) {
        m.stop(Duration.ZERO); // stopping, behind an output that takes nothing: it ends now
      }
    }

    synchronized void spawnEnded() {
      spawning = false;
      Thread.interrupted(); // a signal that came as the spawn returned is read from the future
    }

    int failuresBefore(ProcMesh m) {
      return failures < 0 ? m.failures().size() : failures;
    }
  }

  /** --aggregate: a window in seconds, or null for off. */
  private static Integer window(String aggregate) {
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
    throw new ArgReader.UsageException(
        "--aggregate takes a number of seconds (at least 1) or 'off', got '" + aggregate + "'");
  }

  private static int level(String level) {
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
    throw new ArgReader.UsageException(
        "--level takes DEBUG, INFO, WARNING, ERROR, FATAL or a number in 0..255, got '" + level + "'");
  }

  /**
   * An executable (a path, or on PATH) or a main class on the procs' class path (looked up
   * without running it); null if neither.
   */
  static ProcCommand resolve(List<String> command, String procClasspath) {
    String name = command.get(0);
    if (name.contains(File.separator)) {
      return ProcCommand.executable(command); // a path, never a class; the agent says if it cannot run
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, name)) && !Files.isDirectory(Paths.get(dir, name))) {
        return ProcCommand.executable(command);
      }
    }
    List<java.net.URL> urls = new java.util.ArrayList<>();
    for (String entry : procClasspath.split(File.pathSeparator)) {
      try {
        urls.add(Paths.get(entry.isEmpty() ? "." : entry).toUri().toURL());
      } catch (java.net.MalformedURLException | RuntimeException e) {
        // not a path: the procs' JVM skips it too
      }
    }
    try (java.net.URLClassLoader procs = new java.net.URLClassLoader(urls.toArray(new java.net.URL[0]),
        RunCommand.class.getClassLoader())) {
      Class<?> cls = Class.forName(name, false, procs);
      cls.getMethod("main", String[].class);
      return ProcCommand.javaMain(name, command.subList(1, command.size()));
    } catch (ClassNotFoundException | NoSuchMethodException | LinkageError | java.io.IOException e) {
      return null;
    }
  }
}
