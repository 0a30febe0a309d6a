package monarch.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import monarch.bench.OutputCheck.Format;
import monarch.bench.OutputCheck.ProducerTimes;

/**
 * The end-to-end benchmark: one workload, R ranks of the C producer ({@code src/main/c/producer.c})
 * writing N lines of 100 bytes each, put through {@code monarch run} (aggregation off, then on),
 * {@code mpirun --tag-output}, and the raw limit (the same producers into one pipe drained by
 * {@code cat}), client output to /dev/null. Reports wall time, lines/s, client peak RSS, the
 * producers' own run time (their overhead), the ratios between arms, then flush latency and the
 * time to ready of JVM procs, as Markdown. Owns the arms' commands, the runs and the report;
 * {@link OutputCheck} owns the count check, and an arm whose check fails gets no rate.
 *
 * <p>Each arm first runs once into the harness (the counting run: every line parsed), then
 * {@code --runs} times into /dev/null under GNU time (the timed runs, round-robin over the arms so
 * a burst of load elsewhere does not hit one arm only); medians are reported.
 *
 * <pre>monarch-bench/run-e2e.sh [--smoke] [--runs K] [--lines N]</pre>
 */
public final class EndToEndBenchmark {
  static final String GNU_TIME = "/usr/bin/time";
  /** Peak RSS (KB), user and system CPU seconds; rusage of the client and the children it reaped. */
  static final String TIME_FORMAT = "%M %U %S";

  /** What to run; {@link #full} and {@link #smoke} are the two presets. */
  public record Options(Path root, int ranks, long lines, int runs, int aggregateSec, int flushSamples,
      int readyProcs, int readyRuns, Path cliJar, boolean cliFromClasspath, boolean smoke, Duration runTimeout) {
    public static Options full(Path root) {
      return new Options(root, 4, 500_000, 3, 5, 300, 8, 5, defaultCliJar(root), false, false, Duration.ofMinutes(10));
    }

    /** Seconds in total: every arm, check and measurement runs, on a tiny workload. */
    public static Options smoke(Path root) {
      return new Options(root, 4, 2_000, 1, 5, 10, 4, 1, defaultCliJar(root), false, true, Duration.ofSeconds(60));
    }

    public Options withCliFromClasspath() {
      return new Options(root, ranks, lines, runs, aggregateSec, flushSamples, readyProcs, readyRuns, cliJar, true,
          smoke, runTimeout);
    }

    static Path defaultCliJar(Path root) {
      return root.resolve("monarch-cli/target/monarch-cli.jar");
    }

    long totalLines() {
      return ranks * lines;
    }
  }

  /**
   * The arms; mpirun has no aggregation, so its one row stands for both monarch rows. WARM is the
   * library in a client JVM that ran the workload before ({@link WarmClient}): the data path
   * without the JVM's start-up and warm-up.
   */
  public enum Arm {
    MONARCH_OFF("monarch run --aggregate off", "monarch client JVM", Format.MONARCH_LINES),
    MONARCH_AGGREGATE("monarch run --aggregate %d", "monarch client JVM", Format.MONARCH_AGGREGATED),
    MPIRUN("mpirun --tag-output", "mpirun", Format.MPIRUN_TAGGED),
    RAW("raw pipe into cat", "cat", Format.RAW),
    WARM("monarch, warm client JVM (last of " + WARM_ROUNDS + " runs, no aggregation)", "warm client JVM",
        Format.MONARCH_LINES);

    final String label;
    final String client;
    final Format format;

    Arm(String label, String client, Format format) {
      this.label = label;
      this.client = client;
      this.format = format;
    }

    String label(Options o) {
      return String.format(label, o.aggregateSec());
    }
  }

  /** Runs of the workload in the warm-client JVM; the last one is measured. */
  static final int WARM_ROUNDS = 10;

  /** One timed run; {@code failure} is null when it exited 0 and every producer reported. */
  public record Timing(double wallSec, long peakRssKb, double cpuSec, double load1, ProducerTimes producers,
      String failure) {}

  /** An arm: its counting run's verdict and its timed runs. */
  public record ArmResult(Arm arm, List<String> command, OutputCheck.Result check, String checkFailure,
      List<Timing> runs, Timing empty) {
    /** Count check passed, and every timed run succeeded: only then is a rate reported. */
    public boolean passed() {
      return check != null && check.passed() && checkFailure == null && !runs.isEmpty()
          && runs.stream().allMatch(t -> t.failure() == null);
    }

    public String failure() {
      if (checkFailure != null) {
        return checkFailure;
      }
      if (check == null || !check.passed()) {
        return "count check failed: " + (check == null ? "not run" : check.detail());
      }
      return runs.stream().map(Timing::failure).filter(f -> f != null).findFirst().orElse(runs.isEmpty() ? "no timed run" : null);
    }

    double wallSec() {
      return median(runs.stream().mapToDouble(Timing::wallSec).toArray());
    }

    double linesPerSec(Options o) {
      return o.totalLines() / wallSec();
    }

    /**
     * Lines per second once started: the lines over (median wall - the 0-line runs' median wall),
     * i.e. with each arm's own start-up and teardown taken out; NaN when there is no such run.
     */
    double streamingLinesPerSec(Options o) {
      if (empty == null || empty.failure() != null || wallSec() <= empty.wallSec()) {
        return Double.NaN;
      }
      return o.totalLines() / (wallSec() - empty.wallSec());
    }

    double cpuSec() {
      return median(runs.stream().mapToDouble(Timing::cpuSec).toArray());
    }

    double peakRssMiB() {
      return median(runs.stream().mapToDouble(t -> t.peakRssKb() / 1024.0).toArray());
    }

    List<Long> producerNanos() {
      return runs.stream().flatMap(t -> t.producers().nanos().stream()).toList();
    }

    double producerMedianMs() {
      return median(producerNanos().stream().mapToDouble(n -> n / 1e6).toArray());
    }
  }

  /** What a run of the harness found; {@link #markdown} is the report. */
  public record Report(List<ArmResult> arms, String flushTable, String flushFailure, List<Double> readyMs,
      String readyFailure, String markdown) {
    public boolean allPassed() {
      return arms.stream().allMatch(ArmResult::passed) && flushFailure == null && readyFailure == null;
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    Report r = run(o);
    System.out.print(r.markdown());
    System.out.flush();
    System.exit(r.allPassed() ? 0 : 1);
  }

  static Options parse(String[] args) {
    Path root = null;
    boolean smoke = Arrays.asList(args).contains("--smoke");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--root")) {
        root = Paths.get(args[++i]);
      }
    }
    root = root != null ? root.toAbsolutePath().normalize() : findRoot();
    Options o = smoke ? Options.smoke(root) : Options.full(root);
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
        case "--cli-jar" -> o = new Options(o.root(), o.ranks(), o.lines(), o.runs(), o.aggregateSec(),
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

  private static Options with(Options o, String what, String value) {
    long v = Long.parseLong(value);
    if (v < 1) {
      throw new IllegalArgumentException(what + " must be at least 1, got " + v);
    }
    int i = (int) Math.min(v, Integer.MAX_VALUE);
    return new Options(o.root(), what.equals("ranks") ? i : o.ranks(), what.equals("lines") ? v : o.lines(),
        what.equals("runs") ? i : o.runs(), what.equals("aggregate") ? i : o.aggregateSec(),
        what.equals("flush") ? i : o.flushSamples(), what.equals("readyProcs") ? i : o.readyProcs(),
        what.equals("readyRuns") ? i : o.readyRuns(), o.cliJar(), o.cliFromClasspath(), o.smoke(), o.runTimeout());
  }

  /** The project root: the first directory up from here that holds the producer's source. */
  public static Path findRoot() {
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(producerSource(p))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the project root (a directory with "
        + "monarch-bench/src/main/c/producer.c) above " + Paths.get("").toAbsolutePath() + "; pass --root DIR");
  }

  static Path producerSource(Path root) {
    return root.resolve("monarch-bench/src/main/c/producer.c");
  }

  /** Runs every arm, its checks and the other measurements; never reports a rate for lost output. */
  public static Report run(Options o) throws IOException, InterruptedException {
    Path work = o.root().resolve("monarch-bench/target/e2e");
    Files.createDirectories(work);
    List<Tool> tools = new ArrayList<>(List.of(Tool.MPIRUN, Tool.TIME));
    if (!producerBuilt(o.root(), work)) {
      tools.add(Tool.CC);
    }
    requireTools(tools);
    if (!o.cliFromClasspath() && !Files.isRegularFile(o.cliJar())) {
      throw new IllegalStateException("no CLI jar at " + o.cliJar() + "; build it first: mvn -q -B install -DskipTests");
    }
    Path producer = compileProducer(o.root(), work);
    String loadBefore = loadAverage();
    ZonedDateTime started = ZonedDateTime.now();

    List<ArmResult> results = new ArrayList<>();
    for (Arm arm : Arm.values()) {
      progress("%s: counting run (%d x %,d lines into the harness)", arm.label(o), o.ranks(), o.lines());
      results.add(countingRun(o, arm, producer, work));
    }
    List<List<Timing>> timings = new ArrayList<>();
    results.forEach(r -> timings.add(new ArrayList<>()));
    for (int round = 0; round < o.runs(); round++) {
      for (int i = 0; i < results.size(); i++) {
        ArmResult r = results.get(i);
        if (r.check() != null && r.check().passed() && r.checkFailure() == null) {
          Timing t = timedRun(o, r.arm(), producer, o.lines(), work);
          progress("%s: timed run %d: %.2f s, peak RSS %,d KB, client CPU %.2f s, load %.2f%s", r.arm().label(o),
              round + 1, t.wallSec(), t.peakRssKb(), t.cpuSec(), t.load1(),
              t.failure() == null ? "" : ", FAILED: " + t.failure());
          timings.get(i).add(t);
        }
      }
    }
    List<ArmResult> arms = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      ArmResult r = results.get(i);
      // the fixed cost: the same arm with producers that write nothing (start-up and teardown)
      Timing empty = null;
      if (r.check() != null && r.check().passed() && r.checkFailure() == null) {
        List<Timing> empties = new ArrayList<>();
        for (int k = 0; k < o.runs(); k++) {
          Timing t = timedRun(o, r.arm(), producer, 0, work);
          progress("%s: empty run (0 lines): %.2f s, client CPU %.2f s, load %.2f%s", r.arm().label(o), t.wallSec(),
              t.cpuSec(), t.load1(), t.failure() == null ? "" : ", FAILED: " + t.failure());
          empties.add(t);
        }
        // the run with the median wall time (a failed one, if any, so that it shows)
        empties.sort(java.util.Comparator.comparingDouble(Timing::wallSec));
        empty = empties.stream().filter(t -> t.failure() != null).findFirst().orElse(empties.get(empties.size() / 2));
      }
      arms.add(new ArmResult(r.arm(), r.command(), r.check(), r.checkFailure(), List.copyOf(timings.get(i)), empty));
    }

    progress("flush latency: FlushLatencyBenchmark, %d samples per condition", o.flushSamples());
    String[] flush = flushLatency(o, work);
    progress("time to ready: %d JVM procs, %d runs", o.readyProcs(), o.readyRuns());
    List<Double> readyMs = new ArrayList<>();
    List<Boolean> readyCds = new ArrayList<>();
    String readyFailure = timeToReady(o, work, readyMs, readyCds);

    String md = markdown(o, arms, flush[0], flush[1], readyMs, readyCds, readyFailure, started, loadBefore);
    return new Report(List.copyOf(arms), flush[0], flush[1], List.copyOf(readyMs), readyFailure, md);
  }

  // ---- the arms ---------------------------------------------------------------------------

  /** The arm's command; {@code rssFile} non-null wraps the client in GNU time for its peak RSS. */
  static List<String> command(Options o, Arm arm, Path producer, long lines, Path rssFile) {
    String n = Long.toString(lines);
    List<String> cmd = new ArrayList<>();
    List<String> time = rssFile == null ? List.of() : List.of(GNU_TIME, "-f", TIME_FORMAT, "-o", rssFile.toString());
    switch (arm) {
      case MONARCH_OFF, MONARCH_AGGREGATE -> {
        cmd.addAll(time);
        if (o.cliFromClasspath()) {
          cmd.addAll(List.of(javaBinary(), "-cp", System.getProperty("java.class.path"), "monarch.cli.MonarchCli"));
        } else if (o.cliJar().equals(Options.defaultCliJar(o.root()))) {
          cmd.add(o.root().resolve("bin/monarch").toString()); // as users run it (with its AppCDS archive)
        } else {
          cmd.addAll(List.of(javaBinary(), "-jar", o.cliJar().toString()));
        }
        cmd.addAll(List.of("run", "-n", Integer.toString(o.ranks()), "--aggregate",
            arm == Arm.MONARCH_OFF ? "off" : Integer.toString(o.aggregateSec()), "--", producer.toString(), n));
      }
      case MPIRUN -> {
        cmd.addAll(time);
        cmd.add("mpirun");
        if (isRoot()) {
          cmd.add("--allow-run-as-root"); // Open MPI refuses root without it
        }
        // --oversubscribe: 4 ranks on 2 cores; --bind-to none: scheduled like the other arms'
        // producers; the MCA settings keep mpirun's bootstrap on loopback (the producer never
        // calls MPI_Init, so no byte transport is used at all)
        cmd.addAll(List.of("--oversubscribe", "--bind-to", "none", "--tag-output", "--mca", "oob_tcp_if_include", "lo",
            "--mca", "btl", "self", "-np", Integer.toString(o.ranks()), producer.toString(), n));
      }
      case WARM -> {
        cmd.addAll(time);
        cmd.addAll(List.of(javaBinary(), "-cp", System.getProperty("java.class.path"), WarmClient.class.getName(),
            Integer.toString(o.ranks()), n, Integer.toString(WARM_ROUNDS), producer.toString()));
      }
      case RAW -> {
        // every producer started at once, their statuses collected; pipefail so a failed
        // producer fails the arm
        StringBuilder sh = new StringBuilder("set -o pipefail; ( pids=; ");
        for (int r = 0; r < o.ranks(); r++) {
          sh.append("RANK=").append(r).append(' ').append(shellWord(producer.toString())).append(' ').append(n)
              .append(" & pids=\"$pids $!\"; ");
        }
        sh.append("s=0; for p in $pids; do wait $p || s=1; done; exit $s ) | ");
        sh.append(rssFile == null ? "cat" : GNU_TIME + " -f '" + TIME_FORMAT + "' -o " + shellWord(rssFile.toString()) + " cat > /dev/null");
        cmd.addAll(List.of("bash", "-c", sh.toString()));
      }
    }
    return cmd;
  }

  private static ProcessBuilder builder(List<String> cmd, Path stderr) {
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectError(stderr.toFile());
    Map<String, String> env = pb.environment();
    // measure the defaults, and let each launcher give its ranks their own RANK
    env.keySet().removeIf(k -> k.startsWith("MONARCH_") || k.startsWith("HYPERACTOR_") || k.startsWith("OMPI_")
        || k.startsWith("PMIX_") || List.of("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE").contains(k));
    return pb;
  }

  /** Output into the harness, every line checked; nothing is timed here. */
  static ArmResult countingRun(Options o, Arm arm, Path producer, Path work) throws IOException, InterruptedException {
    List<String> cmd = command(o, arm, producer, o.lines(), null);
    Path err = work.resolve(arm.name().toLowerCase(Locale.ROOT) + "-count.stderr");
    Process p = builder(cmd, err).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
    Thread watchdog = watchdog(p, o.runTimeout());
    OutputCheck.Result check;
    try (InputStream in = p.getInputStream()) {
      check = OutputCheck.check(arm.format, in, o.ranks(), o.lines());
    }
    boolean exited = p.waitFor(o.runTimeout().toSeconds(), TimeUnit.SECONDS);
    watchdog.interrupt();
    String failure = runFailure(o, p, exited, readLines(err));
    progress("%s: count check %s: %s%s", arm.label(o), check.passed() ? "PASSED" : "FAILED", check.detail(),
        failure == null ? "" : "; " + failure);
    return new ArmResult(arm, displayCommand(o, arm, producer), check, failure, List.of(), null);
  }

  /** Output to /dev/null, wall time from start to exit, peak RSS from GNU time. */
  static Timing timedRun(Options o, Arm arm, Path producer, long lines, Path work)
      throws IOException, InterruptedException {
    Path rss = work.resolve(arm.name().toLowerCase(Locale.ROOT) + ".rss");
    Path err = work.resolve(arm.name().toLowerCase(Locale.ROOT) + "-timed.stderr");
    Files.deleteIfExists(rss);
    ProcessBuilder pb = builder(command(o, arm, producer, lines, rss), err).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    double load = Double.parseDouble(loadAverage().split(" ")[0]);
    long t0 = System.nanoTime();
    Process p = pb.start();
    boolean exited = p.waitFor(o.runTimeout().toSeconds(), TimeUnit.SECONDS);
    double wall = (System.nanoTime() - t0) / 1e9;
    List<String> errLines = readLines(err);
    String failure = runFailure(o, p, exited, errLines);
    long kb = -1;
    double cpu = -1;
    if (Files.isRegularFile(rss)) {
      // GNU time writes "Command exited with non-zero status N" first when it did
      for (String l : Files.readAllLines(rss)) {
        String[] f = l.strip().split(" ");
        if (f.length == 3 && f[0].matches("\\d+")) {
          kb = Long.parseLong(f[0]);
          cpu = Double.parseDouble(f[1]) + Double.parseDouble(f[2]);
        }
      }
    }
    if (kb < 0 && failure == null) {
      failure = "no peak RSS from GNU time";
    }
    if (arm == Arm.WARM && failure == null) {
      // the last run inside the JVM, not the JVM's life
      wall = errLines.stream().filter(l -> l.startsWith("round-ns "))
          .mapToDouble(l -> Long.parseLong(l.substring("round-ns ".length())) / 1e9).findFirst().orElse(Double.NaN);
      if (Double.isNaN(wall)) {
        failure = "the warm client reported no round time";
      }
    }
    return new Timing(wall, kb, cpu, load, OutputCheck.producerTimes(errLines), failure);
  }

  /** Why a run does not count (timeout, exit status, a producer that never reported), or null. */
  private static String runFailure(Options o, Process p, boolean exited, List<String> errLines) {
    if (!exited) {
      killTree(p);
      return "did not finish within " + o.runTimeout().toSeconds() + " s";
    }
    ProducerTimes pt = OutputCheck.producerTimes(errLines);
    if (p.exitValue() != 0) {
      return "exit status " + p.exitValue() + (pt.otherLines().isEmpty() ? "" : ", stderr: " + pt.otherLines().get(0));
    }
    if (pt.reported() != o.ranks()) {
      return pt.reported() + " of " + o.ranks() + " producers reported their run time"
          + (pt.otherLines().isEmpty() ? "" : ", stderr: " + pt.otherLines().get(0));
    }
    return null;
  }

  private static Thread watchdog(Process p, Duration timeout) {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(timeout.toMillis());
        killTree(p); // the reader then sees EOF, and the run is reported as not finished
      } catch (InterruptedException done) {
        // the run finished in time
      }
    }, "e2e-watchdog");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void killTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /** The command as the report shows it: relative paths, no GNU time. */
  private static List<String> displayCommand(Options o, Arm arm, Path producer) {
    List<String> cmd = new ArrayList<>(command(o, arm, producer, o.lines(), null));
    String cp = System.getProperty("java.class.path");
    cmd.replaceAll(s -> s.replace(cp, "<class path>").replace(javaBinary(), "java").replace(o.root() + "/", ""));
    if (arm == Arm.RAW) {
      cmd.set(cmd.size() - 1, quote(cmd.get(cmd.size() - 1) + " > /dev/null"));
    }
    return cmd;
  }

  // ---- the other measurements ----------------------------------------------------------------

  /** FlushLatencyBenchmark in a child JVM: {table, failure}. */
  static String[] flushLatency(Options o, Path work) throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    String failure = childJvm(o, work, "flush", out, FlushLatencyBenchmark.class.getName(),
        Integer.toString(o.flushSamples()));
    List<String> table = out.stream().filter(l -> l.startsWith("|")).toList();
    if (failure == null && table.size() != 4) {
      failure = "unexpected output: " + out;
    }
    return new String[] {String.join("\n", table), failure};
  }

  /** TimeToReady in a child JVM; fills the samples, returns a failure or null. */
  static String timeToReady(Options o, Path work, List<Double> ms, List<Boolean> cds) throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    String failure = childJvm(o, work, "ready", out, TimeToReady.class.getName(), Integer.toString(o.readyProcs()),
        Integer.toString(o.readyRuns()));
    for (String l : out) {
      String[] f = l.split(" ");
      if (f.length == 3 && f[0].equals("ready-ms")) {
        ms.add(Double.parseDouble(f[1]));
        cds.add(f[2].equals("cds=true"));
      }
    }
    if (failure == null && ms.size() != o.readyRuns()) {
      failure = "unexpected output: " + out;
    }
    return failure;
  }

  private static String childJvm(Options o, Path work, String name, List<String> out, String... mainAndArgs)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-cp", System.getProperty("java.class.path")));
    cmd.addAll(List.of(mainAndArgs));
    Path err = work.resolve(name + ".stderr");
    Path stdout = work.resolve(name + ".stdout");
    Process p = builder(cmd, err).redirectOutput(stdout.toFile()).start();
    boolean exited = p.waitFor(Math.max(o.runTimeout().toSeconds(), 120), TimeUnit.SECONDS);
    if (!exited) {
      killTree(p);
    }
    out.addAll(readLines(stdout));
    if (!exited) {
      return "did not finish in time";
    }
    if (p.exitValue() != 0) {
      List<String> e = readLines(err);
      return "exit status " + p.exitValue() + (e.isEmpty() ? "" : ": " + e.get(e.size() - 1));
    }
    return null;
  }

  // ---- the report ---------------------------------------------------------------------------

  static String markdown(Options o, List<ArmResult> arms, String flushTable, String flushFailure, List<Double> readyMs,
      List<Boolean> readyCds, String readyFailure, ZonedDateTime started, String loadBefore) {
    StringBuilder md = new StringBuilder();
    ArmResult off = arms.get(0);
    ArmResult agg = arms.get(1);
    ArmResult mpi = arms.get(2);
    ArmResult raw = arms.get(3);
    ArmResult warm = arms.get(4);
    md.append(String.format(Locale.ROOT, "Date: %s. Machine: %s.%n%n", started.format(DateTimeFormatter.ofPattern(
        "yyyy-MM-dd HH:mm z")), machine()));
    md.append(String.format(Locale.ROOT, "Load average (1, 5, 15 min): %s at the start, %s at the end.%n%n",
        loadBefore, loadAverage()));
    md.append(String.format(Locale.ROOT, "Workload: %d ranks x %,d lines of %d bytes (%,d lines, %.0f MB per arm), "
        + "client stdout to /dev/null%s. %d timed run%s per arm, round-robin over the arms, after one counting run "
        + "per arm; medians shown.%n%n", o.ranks(), o.lines(), OutputCheck.LINE_BYTES, o.totalLines(),
        o.totalLines() * OutputCheck.LINE_BYTES / 1e6, o.smoke() ? " (SMOKE: a tiny workload, not a measurement)" : "",
        o.runs(), o.runs() == 1 ? "" : "s"));

    md.append("| arm | wall s | lines/s | lines/s once started | client peak RSS MiB (of) | client CPU s"
        + " | 0 lines: wall s, CPU s | load 1 min | count check |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (ArmResult a : arms) {
      String load = a.runs().isEmpty() ? "" : range(a.runs().stream().mapToDouble(Timing::load1).toArray(), "%.1f");
      if (a.passed()) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %.0f (%s) | %.2f | %s | %s | passed |%n",
            a.arm().label(o), range(a.runs().stream().mapToDouble(Timing::wallSec).toArray(), "%.2f"),
            a.linesPerSec(o), a.streamingLinesPerSec(o), a.peakRssMiB(), a.arm().client, a.cpuSec(), a.empty() == null ? "" : a.empty().failure() == null
                ? String.format(Locale.ROOT, "%.2f, %.2f", a.empty().wallSec(), a.empty().cpuSec()) : "FAILED", load));
      } else {
        md.append(String.format(Locale.ROOT, "| %s | | FAILED | | | | | %s | FAILED: %,d of %,d lines |%n", a.arm().label(o),
            load, a.check() == null ? 0 : a.check().delivered(), o.totalLines()));
      }
    }
    md.append("\nwall s: from start to exit, median, with the range when there were several runs. client CPU s:"
        + " user + system time of the client and of the children it reaped (for monarch and mpirun that"
        + " includes the producers, whose own share is small), median. 0 lines: the median of as many runs"
        + " of the same arm whose producers write nothing (its start-up and teardown). lines/s once started:"
        + " the lines over (wall - 0-line wall). mpirun has no"
        + " aggregation: its one row is compared with both monarch rows.\n\n");

    md.append("| ratio | " + off.arm().label(o) + " | " + agg.arm().label(o) + " | target |\n|---|---:|---:|---|\n");
    md.append(ratioRow("lines/s vs mpirun", off, agg, a -> rate(o, a, mpi), "at least 10x"));
    md.append(ratioRow("lines/s vs raw pipe", off, agg, a -> rate(o, a, raw), "at least 0.5x"));
    md.append(ratioRow("lines/s once started vs mpirun", off, agg, a -> streamingRate(o, a, mpi), "(at least 10x)"));
    md.append(ratioRow("lines/s once started vs raw pipe", off, agg, a -> streamingRate(o, a, raw), "(at least 0.5x)"));
    md.append(ratioRow("client peak RSS", off, agg,
        a -> a.passed() ? String.format(Locale.ROOT, "%.0f MiB", a.peakRssMiB()) : "n/a", "at most 512 MiB"));
    md.append(ratioRow("client peak RSS vs mpirun", off, agg,
        a -> a.passed() && mpi.passed() ? x(a.peakRssMiB() / mpi.peakRssMiB()) : "n/a", ""));
    md.append(ratioRow("producer run time vs raw pipe (medians)", off, agg,
        a -> a.passed() && raw.passed() ? x(a.producerMedianMs() / raw.producerMedianMs()) : "n/a", "at most 1.3x"));
    md.append(String.format(Locale.ROOT, "| (mpirun: producer run time vs raw pipe) | %s | | |%n",
        mpi.passed() && raw.passed() ? x(mpi.producerMedianMs() / raw.producerMedianMs()) : "n/a"));

    md.append("\nThe data path alone: " + warm.arm().label(o) + ", whose wall time is its last run's, from spawn to"
        + " stopped (procs started and stopped included), against the other arms' whole runs:\n\n");
    md.append("| ratio | warm client | target |\n|---|---:|---|\n");
    md.append("| lines/s vs mpirun | " + rate(o, warm, mpi) + " | at least 10x |\n");
    md.append("| lines/s vs raw pipe | " + rate(o, warm, raw) + " | at least 0.5x |\n");
    md.append("| producer run time vs raw pipe (medians) | "
        + (warm.passed() && raw.passed() ? x(warm.producerMedianMs() / raw.producerMedianMs()) : "n/a")
        + " | at most 1.3x |\n");
    md.append("| client peak RSS (the JVM's whole life) | "
        + (warm.passed() ? String.format(Locale.ROOT, "%.0f MiB", warm.peakRssMiB()) : "n/a") + " | at most 512 MiB |\n");

    md.append("\nProducer run time (self-reported: start to stdout flushed and closed), over all ranks and timed runs:\n\n");
    md.append("| arm | values | median ms | min ms | max ms |\n|---|---:|---:|---:|---:|\n");
    for (ArmResult a : arms) {
      if (!a.passed()) {
        md.append("| ").append(a.arm().label(o)).append(" | FAILED | | | |\n");
        continue;
      }
      double[] ms = a.producerNanos().stream().mapToDouble(n -> n / 1e6).sorted().toArray();
      long reported = a.runs().stream().mapToLong(t -> t.producers().reported()).sum();
      md.append(String.format(Locale.ROOT, "| %s | %d%s | %.0f | %.0f | %.0f |%n", a.arm().label(o), ms.length,
          ms.length < reported ? " of " + reported + " (aggregated on stderr too: a group shows one)" : "",
          median(ms), ms[0], ms[ms.length - 1]));
    }

    md.append("\nCount checks (the counting run of each arm reads every line the client wrote):\n\n");
    for (ArmResult a : arms) {
      md.append("- ").append(a.arm().label(o)).append(": ").append(a.passed() ? "passed. " : "FAILED. ");
      if (a.check() != null) {
        md.append(a.check().detail()).append('.');
      }
      if (a.failure() != null) {
        md.append(" ").append(a.failure()).append('.');
      }
      md.append('\n');
    }

    md.append("\nCommands (`producer` is monarch-bench/target/e2e/producer, built from monarch-bench/src/main/c/producer.c):\n\n");
    for (ArmResult a : arms) {
      md.append("- ").append(a.arm().label(o)).append(": `")
          .append(String.join(" ", a.command()).replace("monarch-bench/target/e2e/producer", "producer")).append("`\n");
    }

    md.append(String.format(Locale.ROOT, "%nFlush latency (FlushLatencyBenchmark, %d samples per condition):%n%n",
        o.flushSamples()));
    md.append(flushFailure == null ? flushTable + "\n" : "FAILED: " + flushFailure + "\n");

    md.append(String.format(Locale.ROOT, "%nTime to ready, %d JVM procs (`host.spawnProcs(Map.of(\"gpus\", %d))`"
        + " on a local mesh, after a warm-up spawn):%n%n", o.readyProcs(), o.readyProcs()));
    if (readyFailure != null) {
      md.append("FAILED: ").append(readyFailure).append('\n');
    } else {
      double[] ms = readyMs.stream().mapToDouble(Double::doubleValue).toArray();
      md.append(String.format(Locale.ROOT, "median %.0f ms over %d run(s) (%s ms); AppCDS archive used: %s%n",
          median(ms), ms.length, String.join(", ", readyMs.stream().map(v -> String.format(Locale.ROOT, "%.0f", v))
              .toList()), readyCds.stream().allMatch(b -> b) ? "yes" : readyCds.stream().noneMatch(b -> b)
              ? "no (the class path has directories, or no archive yet)" : "in some runs"));
    }
    return md.toString();
  }

  private static String ratioRow(String name, ArmResult off, ArmResult agg,
      java.util.function.Function<ArmResult, String> f, String target) {
    return "| " + name + " | " + f.apply(off) + " | " + f.apply(agg) + " | " + target + " |\n";
  }

  private static String rate(Options o, ArmResult a, ArmResult base) {
    return a.passed() && base.passed() ? x(a.linesPerSec(o) / base.linesPerSec(o)) : "n/a";
  }

  private static String streamingRate(Options o, ArmResult a, ArmResult base) {
    double v = a.streamingLinesPerSec(o) / base.streamingLinesPerSec(o);
    return a.passed() && base.passed() && !Double.isNaN(v) ? x(v) : "n/a";
  }

  private static String x(double v) {
    return String.format(Locale.ROOT, v >= 10 ? "%.0fx" : v >= 0.1 ? "%.2fx" : "%.3fx", v);
  }

  private static String range(double[] v, String fmt) {
    double[] s = v.clone();
    Arrays.sort(s);
    String m = String.format(Locale.ROOT, fmt, median(s));
    return s.length < 2 ? m : m + " (" + String.format(Locale.ROOT, fmt, s[0]) + "-"
        + String.format(Locale.ROOT, fmt, s[s.length - 1]) + ")";
  }

  static double median(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static String machine() {
    String cpu = "";
    long memKb = 0;
    try {
      cpu = Files.readAllLines(Paths.get("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("");
      memKb = Files.readAllLines(Paths.get("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
          .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
    } catch (IOException | RuntimeException e) {
      // a description without them is still a description
    }
    return String.format(Locale.ROOT, "%d cores (%s), %.0f GB RAM, %s %s; Java %s (%s); %s",
        Runtime.getRuntime().availableProcessors(), cpu, memKb / 1024.0 / 1024.0, System.getProperty("os.name"),
        System.getProperty("os.version"), System.getProperty("java.runtime.version"), System.getProperty("java.vm.name"),
        firstLine("mpirun", "--version"));
  }

  // ---- tools --------------------------------------------------------------------------------

  /** Whether work/ holds a producer binary no older than its source. */
  static boolean producerBuilt(Path root, Path work) throws IOException {
    Path bin = work.resolve("producer");
    return Files.isExecutable(bin)
        && Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(producerSource(root))) >= 0;
  }

  /** Compiles the producer with cc -O2 into work/ unless it is built already. */
  static Path compileProducer(Path root, Path work) throws IOException, InterruptedException {
    Path src = producerSource(root);
    Path bin = work.resolve("producer");
    if (producerBuilt(root, work)) {
      return bin;
    }
    Path log = work.resolve("cc.log");
    Process p = new ProcessBuilder("cc", "-O2", "-Wall", "-o", bin.toString(), src.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("cc -O2 " + src + " failed:\n" + String.join("\n", readLines(log)));
    }
    return bin;
  }

  /** A tool the harness runs, and the Debian package that has it. */
  record Tool(String name, String debPackage, java.util.function.BooleanSupplier present) {
    static final Tool MPIRUN = new Tool("mpirun", "openmpi-bin", () -> onPath("mpirun"));
    static final Tool TIME = new Tool("GNU time (" + GNU_TIME + ")", "time", () -> Files.isExecutable(Paths.get(GNU_TIME)));
    static final Tool CC = new Tool("a C compiler 'cc'", "gcc", () -> onPath("cc"));
  }

  /**
   * Fails naming every missing tool and its package. Never installs one: the harness runs under
   * mvn verify, often as root, and must not change the machine; .ci/run installs them. Never
   * skips either: an arm that cannot run is an error.
   */
  static void requireTools(List<Tool> tools) {
    List<Tool> missing = tools.stream().filter(t -> !t.present().getAsBoolean()).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("missing " + String.join(", ", missing.stream()
          .map(t -> t.name() + " (Debian package " + t.debPackage() + ")").toList()) + ": apt-get install -y "
          + String.join(" ", missing.stream().map(Tool::debPackage).toList())
          + ", or run bash .ci/run, which installs what is missing");
    }
  }

  static boolean isRoot() {
    try {
      // "Uid: real effective saved fs"
      return Files.readAllLines(Paths.get("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
          .map(l -> l.split("\\s+")[2]).findFirst().orElse("").equals("0");
    } catch (IOException e) {
      return false;
    }
  }

  static boolean onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, name)) && !Files.isDirectory(Paths.get(dir, name))) {
        return true;
      }
    }
    return false;
  }

  private static String javaBinary() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String firstLine(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out.lines().findFirst().orElse("").strip();
    } catch (IOException e) {
      return cmd[0] + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Paths.get("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> readLines(Path p) {
    try {
      // decoded leniently: a client's stderr may carry anything
      return Files.isRegularFile(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8).lines().toList() : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** s as one shell word: as it is when it is plain, else quoted. */
  private static String shellWord(String s) {
    return s.matches("[A-Za-z0-9_./:=+-]+") ? s : quote(s);
  }

  private static final long START = System.nanoTime();

  private static void progress(String fmt, Object... args) {
    System.err.println(String.format(Locale.ROOT, "[e2e %5.1fs] ", (System.nanoTime() - START) / 1e9)
        + String.format(Locale.ROOT, fmt, args));
  }
}
