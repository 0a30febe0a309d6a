package monarch.bench;

import static java.util.Objects.requireNonNullElse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import monarch.cli.ArgReader;

/**
 * What the end-to-end benchmark runs: the workload, how often, and which {@code monarch} it runs.
 * {@link #full} and {@link #smoke} are the two presets the command line adjusts (read by the CLI's
 * {@link ArgReader}). Owns the command line and where the project root is; never runs anything.
 */
public record E2eOptions(
    Path root,
    int ranks,
    long lines,
    int runs,
    int aggregateSec,
    int flushSamples,
    int readyProcs,
    int readyRuns,
    Path cliJar,
    boolean cliFromClasspath,
    boolean smoke,
    Duration runTimeout) {

  public static E2eOptions full(Path root) {
    return new E2eOptions(
        root,
        4,
        5_000_000,
        3,
        3,
        300,
        8,
        5,
        defaultCliJar(root),
        false,
        false,
        Duration.ofMinutes(10));
  }

  /** Seconds in total: every arm, check and measurement runs, on a tiny workload. */
  public static E2eOptions smoke(Path root) {
    return new E2eOptions(
        root, 4, 2_000, 1, 3, 10, 4, 1, defaultCliJar(root), false, true, Duration.ofSeconds(60));
  }

  public E2eOptions withCliFromClasspath() {
    return new E2eOptions(
        root,
        ranks,
        lines,
        runs,
        aggregateSec,
        flushSamples,
        readyProcs,
        readyRuns,
        cliJar,
        true,
        smoke,
        runTimeout);
  }

  static Path defaultCliJar(Path root) {
    return root.resolve("monarch-cli/target/monarch-cli.jar");
  }

  long totalLines() {
    return ranks * lines;
  }

  static final String USAGE =
      """
      Usage: monarch-bench/run-e2e.sh [OPTIONS]   (monarch.bench.EndToEndBenchmark [OPTIONS])
        --quick, --smoke      a tiny workload, every arm and check, for the counts only (the
                              other options adjust it)
        --ranks R             producers per arm (default 4)
        --lines N             lines per producer (default 5000000)
        --runs K              timed runs per arm (default 3)
        --aggregate SEC       window of the aggregating monarch arm (default 3)
        --flush-samples S     flush latency samples per condition (default 300)
        --ready-procs P       JVM procs for time to ready (default 8)
        --ready-runs K        time-to-ready runs (default 5)
        --cli-jar PATH        run monarch from this jar (default: bin/monarch, as users do)
        --cli-from-classpath  run monarch from this JVM's class path (as the tests do)
        --root DIR            the project root (default: found upwards from here)
        -h, --help            show this help and exit
      """;

  /** The options {@code in} gives, or null when they ask for help. */
  static E2eOptions parse(ArgReader in) {
    boolean smoke = false;
    Path root = null;
    Integer ranks = null;
    Long lines = null;
    Integer runs = null;
    Integer aggregate = null;
    Integer flushSamples = null;
    Integer readyProcs = null;
    Integer readyRuns = null;
    Path cliJar = null;
    boolean cliFromClasspath = false;
    for (String opt; (opt = in.nextOption()) != null; ) {
      switch (opt) {
        case "--smoke", "--quick" -> smoke = in.flag(opt);
        case "--root" -> root = Paths.get(in.value(opt));
        case "--ranks" -> ranks = in.intValue(opt, 1);
        case "--lines" -> lines = in.longValue(opt, 1);
        case "--runs" -> runs = in.intValue(opt, 1);
        case "--aggregate" -> aggregate = in.intValue(opt, 1);
        case "--flush-samples" -> flushSamples = in.intValue(opt, 1);
        case "--ready-procs" -> readyProcs = in.intValue(opt, 1);
        case "--ready-runs" -> readyRuns = in.intValue(opt, 1);
        case "--cli-jar" -> { // the later of the two choices wins
          cliJar = Paths.get(in.value(opt)).toAbsolutePath();
          cliFromClasspath = false;
        }
        case "--cli-from-classpath" -> cliFromClasspath = in.flag(opt);
        case "-h", "--help" -> {
          return null;
        }
        default -> throw ArgReader.unknown(opt);
      }
    }
    BenchArgs.noOperands(in);
    root = root != null ? root.toAbsolutePath().normalize() : findRoot();
    E2eOptions preset = smoke ? smoke(root) : full(root);
    return new E2eOptions(
        root,
        requireNonNullElse(ranks, preset.ranks()),
        requireNonNullElse(lines, preset.lines()),
        requireNonNullElse(runs, preset.runs()),
        requireNonNullElse(aggregate, preset.aggregateSec()),
        requireNonNullElse(flushSamples, preset.flushSamples()),
        requireNonNullElse(readyProcs, preset.readyProcs()),
        requireNonNullElse(readyRuns, preset.readyRuns()),
        requireNonNullElse(cliJar, preset.cliJar()),
        cliFromClasspath,
        smoke,
        preset.runTimeout());
  }

  /** The project root: the first directory up from here that holds the producer's source. */
  public static Path findRoot() {
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(Producer.source(p))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "cannot find the project root (a directory with "
            + "monarch-bench/src/main/c/producer.c) above "
            + Paths.get("").toAbsolutePath()
            + "; pass --root DIR");
  }
}
