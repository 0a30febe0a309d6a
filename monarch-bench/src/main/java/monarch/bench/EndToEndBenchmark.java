package monarch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import monarch.bench.Machine.Tool;
import monarch.bench.MeshProbes.Flush;
import monarch.bench.MeshProbes.Ready;

/**
 * The end-to-end benchmark: one workload, R ranks of the C producer ({@code src/main/c/producer.c})
 * writing N lines of 100 bytes each, put through {@code monarch run} (aggregation off, then on),
 * {@code mpirun --tag-output}, the raw limit (the same producers into one pipe drained by {@code
 * cat}) and a warm client JVM, client output to /dev/null; then flush latency and the time to ready
 * of JVM procs. Prints the Markdown report ({@link E2eReport}) on stdout, progress on stderr, and
 * exits 1 unless every arm and measurement passed.
 *
 * <p>Owns the entry point and the order of the runs: each arm first runs once into the harness (the
 * counting run: every line parsed by {@link OutputCheck}; an arm whose check fails gets no rate),
 * then {@code --runs} times into /dev/null under GNU time (the timed runs, round-robin over the
 * arms so a burst of load elsewhere does not hit one arm only), then as often with producers that
 * write nothing (its fixed cost); medians are reported. What each arm runs is {@link Arm}'s, how a
 * run is measured {@link ArmRunner}'s.
 *
 * <pre>monarch-bench/run-e2e.sh [--smoke] [--runs K] [--lines N] ... (--help lists them all)</pre>
 */
public final class EndToEndBenchmark {
  private static final long START = System.nanoTime();

  private EndToEndBenchmark() {}

  public static void main(String[] args) throws Exception {
    E2eOptions o =
        BenchArgs.readOrExit("EndToEndBenchmark", E2eOptions.USAGE, args, E2eOptions::parse);
    E2eReport r = run(o);
    System.out.print(r.markdown());
    System.out.flush();
    System.exit(r.allPassed() ? 0 : 1);
  }

  /**
   * Runs every arm, its checks and the other measurements; never reports a rate for lost output.
   */
  public static E2eReport run(E2eOptions o) throws IOException, InterruptedException {
    Path work = o.root().resolve("monarch-bench/target/e2e");
    Files.createDirectories(work);
    Machine.requireTools(
        Producer.isBuilt(o.root(), work)
            ? List.of(Tool.MPIRUN, Tool.TIME)
            : List.of(Tool.MPIRUN, Tool.TIME, Tool.CC));
    if (!o.cliFromClasspath() && !Files.isRegularFile(o.cliJar())) {
      throw new IllegalStateException(
          "no CLI jar at " + o.cliJar() + "; build it first: mvn -q -B install -DskipTests");
    }
    ArmRunner runner = new ArmRunner(o, Producer.build(o.root(), work), work);
    String loadBefore = Machine.loadAverage();
    ZonedDateTime started = ZonedDateTime.now();

    List<ArmResult> counted = new ArrayList<>();
    for (Arm arm : Arm.values()) {
      progress(
          "%s: counting run (%d x %,d lines into the harness)", arm.label(o), o.ranks(), o.lines());
      ArmResult r = runner.count(arm);
      progress(
          "%s: count check %s: %s%s",
          arm.label(o),
          r.check().passed() ? "PASSED" : "FAILED",
          r.check().detail(),
          r.checkFailure() == null ? "" : "; " + r.checkFailure());
      counted.add(r);
    }
    Map<Arm, List<Timing>> timings = new EnumMap<>(Arm.class);
    counted.forEach(r -> timings.put(r.arm(), new ArrayList<>()));
    for (int round = 0; round < o.runs(); round++) {
      for (ArmResult r : counted) {
        if (r.countPassed()) {
          Timing t = runner.time(r.arm(), o.lines());
          progress(
              "%s: timed run %d: %.2f s, peak RSS %,d KB, client CPU %.2f s, load %.2f%s",
              r.arm().label(o),
              round + 1,
              t.wallSec(),
              t.peakRssKb(),
              t.cpuSec(),
              t.load1(),
              t.failure() == null ? "" : ", FAILED: " + t.failure());
          timings.get(r.arm()).add(t);
        }
      }
    }
    List<ArmResult> arms = new ArrayList<>();
    for (ArmResult r : counted) {
      arms.add(
          r.withRuns(timings.get(r.arm()), r.countPassed() ? emptyRun(o, runner, r.arm()) : null));
    }

    double javaSec = javaVersion(Math.max(3, o.runs()));
    progress("java -version: %.2f s (median)", javaSec);
    progress("flush latency: FlushLatencyBenchmark, %d samples per condition", o.flushSamples());
    Flush flush = MeshProbes.flushLatency(o, work);
    progress("time to ready: %d JVM procs, %d runs", o.readyProcs(), o.readyRuns());
    Ready ready = MeshProbes.timeToReady(o, work);
    return E2eReport.of(o, arms, flush, ready, started, loadBefore, javaSec);
  }

  /** The median wall time of {@code runs} runs of {@code java -version}: a bare JVM's start. */
  private static double javaVersion(int runs) throws IOException, InterruptedException {
    double[] s = new double[runs];
    for (int k = 0; k < runs; k++) {
      long t0 = System.nanoTime();
      Process p =
          new ProcessBuilder("java", "-version")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor() != 0) {
        throw new IOException("java -version exited " + p.exitValue());
      }
      s[k] = (System.nanoTime() - t0) / 1e9;
    }
    java.util.Arrays.sort(s);
    return ArmResult.median(s);
  }

  /**
   * The arm's fixed cost: its producers write nothing (start-up and teardown). The run with the
   * median wall time, or a failed one if any, so that it shows.
   */
  private static Timing emptyRun(E2eOptions o, ArmRunner runner, Arm arm)
      throws IOException, InterruptedException {
    List<Timing> empties = new ArrayList<>();
    for (int k = 0; k < o.runs(); k++) {
      Timing t = runner.time(arm, 0);
      progress(
          "%s: empty run (0 lines): %.2f s, client CPU %.2f s, load %.2f%s",
          arm.label(o),
          t.wallSec(),
          t.cpuSec(),
          t.load1(),
          t.failure() == null ? "" : ", FAILED: " + t.failure());
      empties.add(t);
    }
    empties.sort(Comparator.comparingDouble(Timing::wallSec));
    return empties.stream()
        .filter(t -> t.failure() != null)
        .findFirst()
        .orElse(empties.get(empties.size() / 2));
  }

  private static void progress(String fmt, Object... args) {
    System.err.println(
        String.format(Locale.ROOT, "[e2e %5.1fs] ", (System.nanoTime() - START) / 1e9)
            + String.format(Locale.ROOT, fmt, args));
  }
}
