package monarch.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import monarch.config.MonarchConfig;
import monarch.logging.LogLevel;
import monarch.logging.LoggingOptions;
import monarch.logging.Similarity;
import monarch.mesh.ProcCommand;

/**
 * {@code monarch run -n N [--] COMMAND}: N procs on this host each run COMMAND (an executable, or a
 * Java main class on the class path) with RANK, LOCAL_RANK and WORLD_SIZE set, and their output
 * streams here. Like mpirun, the first rank to fail stops the others and its status is the exit
 * status; Ctrl-C stops every rank after flushing what they wrote. Options end at COMMAND, so its
 * own flags need no {@code --}.
 */
record RunCommand(
    int procs,
    List<String> hosts,
    Integer window,
    Similarity rule,
    int level,
    boolean noPrefix,
    Path files,
    List<String> command) {
  /** Exit status when a command is neither an executable nor a main class, as shells use. */
  static final int NOT_FOUND = 127;

  static final String USAGE =
      """
      Usage: monarch run -n N [--hosts ADDR:PORT,...] [--aggregate SEC|off] [--rule R]
                         [--level L] [--no-prefix] [--files DIR] [--] COMMAND [ARGS...]
      Run COMMAND in N procs on this host and stream their output, in order, per proc.
        -n, --procs N            number of procs (per host with --hosts)
            --hosts LIST         run on these agents (`monarch agent`), N procs each, ranks
                                   host by host; keys for TLS from MONARCH_TLS_DIR
            --aggregate SEC|off  group similar lines over a window of SEC seconds
                                   (default: off, every line)
            --rule R             how --aggregate groups: template (lines of one event
                                   type, with ranks and what varied) or levenshtein (the
                                   seeds' edit distance); default MONARCH_AGGREGATE_RULE,
                                   else template
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
    Similarity rule = null;
    int level = LogLevel.INFO.value();
    boolean noPrefix = false;
    Path files = null;
    List<String> hosts = List.of();
    for (String o; (o = in.nextOption()) != null; ) {
      switch (o) {
        case "-n", "--procs" -> procs = in.intValue(o, 1);
        case "--hosts" -> {
          hosts = List.of(in.value(o).split(","));
          if (hosts.stream().anyMatch(String::isBlank)) {
            throw new ArgReader.UsageException("--hosts takes ADDR:PORT[,ADDR:PORT...]");
          }
        }
        case "--aggregate" -> window = window(in.value(o));
        case "--rule" -> {
          try {
            rule = Similarity.parse(in.value(o));
          } catch (IllegalArgumentException e) {
            throw new ArgReader.UsageException(e.getMessage());
          }
        }
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
    if (files != null && !hosts.isEmpty()) {
      throw new ArgReader.UsageException(
          "--files is for this host; with --hosts each agent writes its procs' files under its own"
              + " MONARCH_LOG_DIR");
    }
    return new RunCommand(procs, hosts, window, rule, level, noPrefix, files, command);
  }

  int call() {
    LoggingOptions logging = new LoggingOptions(true, window, level, rule);
    MonarchConfig config = MonarchConfig.fromEnvironment(); // HYPERACTOR_PREFIX_WITH_RANK=false too
    ProcCommand what = resolve(command, config.procClasspath());
    if (what == null) {
      System.err.println(
          "monarch run: '"
              + command.get(0)
              + "' is neither an executable (a path, or a"
              + " name on PATH) nor a Java main class on the procs' class path");
      return NOT_FOUND;
    }
    if (noPrefix) {
      config = config.withPrefixWithRank(false);
    }
    if (files != null) {
      usableDirectory(files); // asked for by name: a failure stops the run before anything starts
      config = config.withFileLog(files);
    }
    return new Run(procs, hosts, what, logging, config).call();
  }

  /**
   * Creates {@code dir} (0700, like the files in it) if it is missing, and proves that files can be
   * created in it by making one: permission bits say nothing when running as root, and a read-only
   * file system or /proc ignores them.
   *
   * @throws IllegalArgumentException saying why {@code dir} cannot be used
   */
  static void usableDirectory(Path dir) {
    String why = problemWith(dir);
    if (why != null) {
      throw new IllegalArgumentException("cannot use --files " + dir + ": " + why);
    }
  }

  private static String problemWith(Path dir) {
    if (!Files.exists(dir)) {
      try {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (IOException | RuntimeException e) {
        return "cannot create it (" + reason(e) + ")";
      }
    }
    if (!Files.isDirectory(dir)) {
      return "it is not a directory";
    }
    try {
      Files.delete(Files.createTempFile(dir, ".monarch-probe", ""));
      return null;
    } catch (IOException | RuntimeException e) {
      return "cannot create a file in it (" + reason(e) + ")";
    }
  }

  /** What went wrong, without the path a FileSystemException repeats. */
  private static String reason(Exception e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f) {
      return f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
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
        "--level takes DEBUG, INFO, WARNING, ERROR, FATAL or a number in 0..255, got '"
            + level
            + "'");
  }

  /**
   * An executable (a path, or on PATH) or a main class on the procs' class path (looked up without
   * running it); null if neither.
   */
  static ProcCommand resolve(List<String> command, String procClasspath) {
    String name = command.get(0);
    if (name.contains(File.separator)) {
      return ProcCommand.executable(
          command); // a path, never a class; the agent says if it cannot run
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()
          && Files.isExecutable(Paths.get(dir, name))
          && !Files.isDirectory(Paths.get(dir, name))) {
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
    try (java.net.URLClassLoader procs =
        new java.net.URLClassLoader(
            urls.toArray(new java.net.URL[0]), RunCommand.class.getClassLoader())) {
      Class<?> cls = Class.forName(name, false, procs);
      cls.getMethod("main", String[].class);
      return ProcCommand.javaMain(name, command.subList(1, command.size()));
    } catch (ClassNotFoundException
        | NoSuchMethodException
        | LinkageError
        | java.io.IOException e) {
      return null;
    }
  }
}
