package monarch.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;

/**
 * What the end-to-end benchmark runs: the workload, how often, and which {@code monarch} it
 * runs. {@link #full} and {@link #smoke} are the two presets the command line adjusts. Owns the
 * command line and where the project root is; never runs anything.
 */
public record E2eOptions(Path root, int ranks, long lines, int runs, int aggregateSec, int flushSamples,
    int readyProcs, int readyRuns, Path cliJar, boolean cliFromClasspath, boolean smoke, Duration runTimeout) {

  public static E2eOptions full(Path root) {
    return new E2eOptions(root, 4, 500_000, 3, 5, 300, 8, 5, defaultCliJar(root), false, false, Duration.ofMinutes(10));
  }

  /** Seconds in total: every arm, check and measurement runs, on a tiny workload. */
  public static E2eOptions smoke(Path root) {
    return new E2eOptions(root, 4, 2_000, 1, 5, 10, 4, 1, defaultCliJar(root), false, true, Duration.ofSeconds(60));
  }

  public E2eOptions withCliFromClasspath() {
    return new E2eOptions(root, ranks, lines, runs, aggregateSec, flushSamples, readyProcs, readyRuns, cliJar, true,
        smoke, runTimeout);
  }

  static Path defaultCliJar(Path root) {
    return root.resolve("monarch-cli/target/monarch-cli.jar");
  }

  long totalLines() {
    return ranks * lines;
  }

  static E2eOptions parse(String[] args) {
    Path root = null;
    boolean smoke = Arrays.asList(args).contains("--smoke");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--root")) {
        root = Paths.get(args[++i]);
      }
    }
    root = root != null ? root.toAbsolutePath().normalize() : findRoot();
    E2eOptions o = smoke ? smoke(root) : full(root);
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--smoke" -> { } // read above: it picks the preset the other flags adjust
        case "--root" -> i++;
        case "--ranks" -> o = with(o, "ranks", args[++i]);
        case "--lines" -> o = with(o, "lines", args[++i]);
        case "--runs" -> o = with(o, "runs", args[++i]);
        case "--aggregate" -> o = with(o, "aggregate", args[++i]);
        case "--flush-samples" -> o = with(o, "flush", args[++i]);
        case "--ready-procs" -> o = with(o, "readyProcs", args[++i]);
        case "--ready-runs" -> o = with(o, "readyRuns", args[++i]);
        case "--cli-jar" -> o = new E2eOptions(o.root(), o.ranks(), o.lines(), o.runs(), o.aggregateSec(),
            o.flushSamples(), o.readyProcs(), o.readyRuns(), Paths.get(args[++i]).toAbsolutePath(), false, o.smoke(),
            o.runTimeout());
        case "--cli-from-classpath" -> o = o.withCliFromClasspath();
        default -> throw new IllegalArgumentException("unknown argument '" + a + "'; usage: EndToEndBenchmark"
            + " [--smoke] [--ranks R] [--lines N] [--runs K] [--aggregate SEC] [--flush-samples S]"
            + " [--ready-procs P] [--ready-runs K] [--cli-jar PATH | --cli-from-classpath] [--root DIR]");
      }
    }
    return o;
  }

  private static E2eOptions with(E2eOptions o, String what, String value) {
    long v = Long.parseLong(value);
    if (v < 1) {
      throw new IllegalArgumentException(what + " must be at least 1, got " + v);
    }
    int i = (int) Math.min(v, Integer.MAX_VALUE);
    return new E2eOptions(o.root(), what.equals("ranks") ? i : o.ranks(), what.equals("lines") ? v : o.lines(),
        what.equals("runs") ? i : o.runs(), what.equals("aggregate") ? i : o.aggregateSec(),
        what.equals("flush") ? i : o.flushSamples(), what.equals("readyProcs") ? i : o.readyProcs(),
        what.equals("readyRuns") ? i : o.readyRuns(), o.cliJar(), o.cliFromClasspath(), o.smoke(), o.runTimeout());
  }

  /** The project root: the first directory up from here that holds the producer's source. */
  public static Path findRoot() {
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(Producer.source(p))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the project root (a directory with "
        + "monarch-bench/src/main/c/producer.c) above " + Paths.get("").toAbsolutePath() + "; pass --root DIR");
  }
}
