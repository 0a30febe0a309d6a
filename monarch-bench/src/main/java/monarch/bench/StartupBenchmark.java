package monarch.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import monarch.actor.Actor;
import monarch.actor.Endpoint;
import monarch.cli.ArgReader;
import monarch.config.MonarchConfig;
import monarch.internal.channel.FrameCodec;
import monarch.internal.channel.ProcFrame;
import monarch.mesh.ActorMesh;
import monarch.mesh.HostMesh;
import monarch.mesh.ProcMesh;

/**
 * Time to ready of a local proc mesh: how long {@code host.spawnProcs(Map.of("gpus", N))} takes to
 * return (every proc dialed in), and how long until the mesh is usable (ready, plus one actor
 * spawned on every rank and one endpoint call answered by every rank). The client's own start-up
 * (the Pekko ActorSystem behind {@code HostMesh.local()}) is measured once and reported apart.
 *
 * <p>Configurations: the defaults (the flags ProcLauncher gives every proc, plus the AppCDS
 * archive), and ablations for N = 8 (some also for N = 1): without the AppCDS archive, without the
 * SelectorProvider pin, each start-up flag of the defaults switched back to the JVM's default one
 * at a time, the JVM's own flags the defaults leave alone switched to their start-up-friendly value
 * one at a time, and "untuned" (no AppCDS, no pin, every start-up flag back at the JVM default).
 * The configurations are interleaved (one repetition of each per round, in a new order every
 * round), so slow drift of this shared machine spreads over all of them, and a sample during which
 * other processes used the CPU is taken again. Stop time is not counted. A raw baseline launches N
 * trivial JVMs in parallel outside the framework: the floor on this machine.
 *
 * <p>Run from the repository root with a class path of jars only, so AppCDS can apply (the procs
 * inherit java.class.path; the launcher expands the wildcard):
 *
 * <pre>
 * mvn -q -o package -DskipTests
 * java -cp "monarch-bench/target/monarch-bench.jar:monarch-bench/target/lib/*" monarch.bench.StartupBenchmark
 * </pre>
 *
 * Options: {@code --reps R} (default 7), {@code --quick} (3 repetitions, N = 8 ablations only),
 * {@code --all} (one more row: every start-up flag the defaults leave out, at once). The Markdown
 * tables go to stdout, progress to stderr. About 3 minutes on 2 idle cores (longer when samples
 * have to be taken again).
 */
public final class StartupBenchmark {
  /** How long to wait for the host agent's background AppCDS training run. */
  private static final long ARCHIVE_WAIT_SECONDS = 90;

  /** A pause after each stop, so exiting procs do not eat into the next measurement. */
  private static final long SETTLE_MILLIS = 200;

  /**
   * This machine is shared: a sample during which other processes used more than this share of its
   * CPU is taken again (up to {@link #MAX_ATTEMPTS} times), so a neighbour's burst does not pass
   * for a flag's cost.
   */
  private static final double FOREIGN_CPU_LIMIT_PERCENT = 10;

  private static final int MAX_ATTEMPTS = 4;

  /** The actor every measurement spawns: one endpoint that returns the rank. */
  public static final class RankActor extends Actor {
    @Endpoint
    public int rank() {
      return context().rank();
    }
  }

  /**
   * The raw baseline's JVM: does nothing, or (arg "jackson") encodes a Hello frame as a proc does.
   */
  public static final class Trivial {
    public static void main(String[] args) throws Exception {
      if (args.length > 0 && args[0].equals("jackson")) {
        FrameCodec.encode(
            new ProcFrame.Hello(0, ProcessHandle.current().pid(), FrameCodec.VERSION));
      }
    }
  }

  /**
   * One configuration: extra proc JVM options (appended after the defaults), AppCDS on/off, and the
   * host agent's pin of the procs' NIO SelectorProvider on/off.
   */
  record Variant(String label, List<String> options, boolean cds, boolean selectorPin) {
    Variant(String label, List<String> options, boolean cds) {
      this(label, options, cds, true);
    }
  }

  static final String SELECTOR_PIN_FLAG = "-Djava.nio.channels.spi.SelectorProvider=";

  /** One repetition: ready (spawnProcs returned) and usable (plus spawn and one call), in ms. */
  record Sample(double readyMs, double usableMs) {}

  /** A flag of the defaults and how to switch it to the other side, in both directions. */
  record Toggle(String name, String tunedFlag, List<String> tuned, List<String> jvmDefault) {}

  static final List<Toggle> TOGGLES =
      List.of(
          new Toggle(
              "C1 only",
              "-XX:TieredStopAtLevel=1",
              List.of("-XX:TieredStopAtLevel=1"),
              List.of("-XX:TieredStopAtLevel=4")),
          new Toggle(
              "no perf data",
              "-XX:-UsePerfData",
              List.of("-XX:-UsePerfData"),
              List.of("-XX:+UsePerfData")),
          new Toggle(
              "Serial GC",
              "-XX:+UseSerialGC",
              List.of("-XX:+UseSerialGC"),
              List.of("-XX:-UseSerialGC", "-XX:+UseG1GC")),
          new Toggle("small stacks", "-Xss", List.of("-Xss512k"), List.of("-Xss1m")));

  private final int reps;
  private final boolean quick;
  private final boolean all;
  private final Map<String, List<Sample>> results = new LinkedHashMap<>();
  private int retried;
  private int keptNoisy;

  private StartupBenchmark(int reps, boolean quick, boolean all) {
    this.reps = reps;
    this.quick = quick;
    this.all = all;
  }

  static final String USAGE =
      """
      Usage: StartupBenchmark [--reps R] [--quick] [--all]
        --reps R   repetitions of every configuration (default 7)
        --quick    3 repetitions, N = 8 ablations only
        --all      one more row: every start-up flag the defaults leave out, at once
        -h, --help show this help and exit
      """;

  public static void main(String[] args) throws Exception {
    BenchArgs.readOrExit("StartupBenchmark", USAGE, args, StartupBenchmark::parse).run();
    System.exit(0);
  }

  /** The benchmark {@code in} asks for, or null when it asks for help. */
  static StartupBenchmark parse(ArgReader in) {
    int reps = 7;
    boolean quick = false;
    boolean all = false;
    for (String o; (o = in.nextOption()) != null; ) {
      switch (o) {
        case "--reps" -> reps = in.intValue(o, 1);
        case "--quick" -> { // sets the repetitions, so a later --reps still counts
          quick = in.flag(o);
          reps = 3;
        }
        case "--all" -> all = in.flag(o);
        case "-h", "--help" -> {
          return null;
        }
        default -> throw ArgReader.unknown(o);
      }
    }
    BenchArgs.noOperands(in);
    return new StartupBenchmark(reps, quick, all);
  }

  private void run() throws Exception {
    long jvmStartToMain = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
    double busyBefore = machineBusyPercent(2000);
    if (busyBefore > 15) {
      progress(
          "WARNING: %.0f%% of the machine's CPU was busy before the benchmark started "
              + "(other processes); the numbers will be noisy",
          busyBefore);
    }
    long benchStart = System.nanoTime();
    String cp = System.getProperty("java.class.path");
    if (!Arrays.stream(cp.split(File.pathSeparator)).allMatch(e -> e.endsWith(".jar"))) {
      progress(
          "WARNING: the class path has non-jar entries, so the procs get no AppCDS archive: " + cp);
    }

    // 1. The client runtime: Pekko ActorSystem and the local host agent (not part of time to
    // ready).
    long t0 = System.nanoTime();
    HostMesh host = HostMesh.local();
    double clientUpMs = ms(System.nanoTime() - t0);
    progress("client runtime up in %.0f ms", clientUpMs);

    // 2. A throw-away spawn until the procs run with the AppCDS archive (the host agent builds it
    //    in the background when it starts); it also warms the client's spawn and call path.
    long t1 = System.nanoTime();
    Sample first = measureOnce(host, 1);
    double firstSpawnMs = ms(System.nanoTime() - t1);
    List<String> defaultFlags = waitForArchive(host);
    Optional<String> archive =
        defaultFlags.stream()
            .filter(f -> f.startsWith("-XX:SharedArchiveFile="))
            .findFirst()
            .map(f -> f.substring("-XX:SharedArchiveFile=".length()));
    List<String> defaultStartupFlags =
        defaultFlags.stream().filter(f -> !f.startsWith("-XX:SharedArchiveFile=")).toList();
    boolean selectorPinned =
        defaultStartupFlags.stream().anyMatch(f -> f.startsWith(SELECTOR_PIN_FLAG));
    progress("proc flags: %s", defaultFlags);
    measureOnce(host, 8); // warm-up of the 8-proc path, not counted

    // 3. The configurations.
    List<Variant> n8 = new ArrayList<>();
    n8.add(new Variant("defaults", List.of(), true));
    if (archive.isPresent()) {
      n8.add(new Variant("without AppCDS", List.of(), false));
    }
    if (selectorPinned) {
      n8.add(new Variant("without the SelectorProvider pin", List.of(), true, false));
    }
    List<String> untuned = new ArrayList<>();
    List<String> allTuned = new ArrayList<>();
    for (Toggle t : TOGGLES) {
      boolean inDefaults = defaultStartupFlags.stream().anyMatch(f -> f.startsWith(t.tunedFlag()));
      if (inDefaults) {
        n8.add(
            new Variant(
                "revert " + t.name() + ": " + String.join(" ", t.jvmDefault()),
                t.jvmDefault(),
                true));
        untuned.addAll(t.jvmDefault());
      } else {
        n8.add(
            new Variant(
                "opt in " + t.name() + ": " + String.join(" ", t.tuned()), t.tuned(), true));
        allTuned.addAll(t.tuned());
      }
    }
    if (allTuned.size() > 1 && all) {
      n8.add(new Variant("opt in all of: " + String.join(" ", allTuned), allTuned, true));
    }
    n8.add(new Variant("untuned (no AppCDS, JVM default flags)", untuned, false, false));
    List<Variant> n1 =
        quick
            ? List.of()
            : n8.stream()
                .filter(v -> v.label().equals("without AppCDS") || v.label().startsWith("untuned"))
                .toList();

    Map<Variant, HostMesh> hosts = new LinkedHashMap<>();
    for (Variant v : n8) {
      hosts.put(v, v.label().equals("defaults") ? host : hostFor(v));
    }

    List<Runnable> round = new ArrayList<>();
    if (!quick) {
      round.add(() -> record("defaults", 1, measureClean(host, 1)));
      round.add(() -> record("defaults", 4, measureClean(host, 4)));
    }
    for (Variant v : n8) {
      round.add(() -> record(v.label(), 8, measureClean(hosts.get(v), 8)));
    }
    for (Variant v : n1) {
      if (!v.label().equals("defaults")) {
        round.add(() -> record(v.label(), 1, measureClean(hosts.get(v), 1)));
      }
    }
    for (int r = 0; r < reps; r++) {
      progress("round %d/%d", r + 1, reps);
      // a new order every round, so no configuration always follows the same one
      List<Runnable> order = new ArrayList<>(round);
      java.util.Collections.shuffle(order, new java.util.Random(r));
      for (Runnable m : order) {
        m.run();
      }
    }
    progress("rounds done after %.0f s", ms(System.nanoTime() - benchStart) / 1000);
    for (Map.Entry<Variant, HostMesh> e : hosts.entrySet()) {
      if (e.getValue() != host) {
        e.getValue().close();
      }
    }
    host.close();

    // 4. The floor: N trivial JVMs in parallel, outside the framework.
    List<String> procFlags = new ArrayList<>(defaultFlags);
    Map<String, List<Double>> raw = new LinkedHashMap<>();
    for (int r = 0; r < Math.min(reps, 5); r++) {
      for (int n : new int[] {1, 8}) {
        raw.computeIfAbsent("trivial main, JVM default flags|" + n, k -> new ArrayList<>())
            .add(rawClean(n, List.of(), cp, false));
        raw.computeIfAbsent("trivial main, proc flags + AppCDS|" + n, k -> new ArrayList<>())
            .add(rawClean(n, procFlags, cp, false));
        raw.computeIfAbsent(
                "Jackson CBOR Hello encode, proc flags + AppCDS|" + n, k -> new ArrayList<>())
            .add(rawClean(n, procFlags, cp, true));
      }
    }

    // 5. Report.
    StringBuilder out = new StringBuilder();
    out.append("Proc flags (defaults): `")
        .append(String.join(" ", defaultStartupFlags))
        .append("`");
    out.append(
        archive.isPresent() ? " + `-XX:SharedArchiveFile=<archive>`\n" : " (no AppCDS archive)\n");
    archive.ifPresent(
        a ->
            out.append("AppCDS archive: `")
                .append(a)
                .append("` (")
                .append(fileSize(a))
                .append(")\n"));
    out.append(
        String.format(
            Locale.ROOT,
            "Client: JVM start to benchmark start %d ms; client runtime up (HostMesh.local(): Pekko ActorSystem + "
                + "host agent) %.0f ms; first 1-proc mesh usable (cold client) %.0f ms (ready %.0f ms)%n",
            jvmStartToMain,
            clientUpMs,
            firstSpawnMs,
            first.readyMs()));
    out.append(
        String.format(
            Locale.ROOT,
            "Repetitions: %d per row (median, min-max), ms. "
                + "CPU busy before the run (other processes): %.0f%%. Samples retaken because other "
                + "processes used more than %.0f%% of the CPU meanwhile: %d; kept although noisy: %d.%n%n",
            reps,
            busyBefore,
            FOREIGN_CPU_LIMIT_PERCENT,
            retried,
            keptNoisy));

    if (!quick) {
      out.append("| N | ready (spawnProcs returned) | usable (+ spawn actor + 1 call) |\n");
      out.append("|---:|---:|---:|\n");
      for (int n : new int[] {1, 4, 8}) {
        List<Sample> s = results.get(key("defaults", n));
        out.append("| ")
            .append(n)
            .append(" | ")
            .append(stats(s, Sample::readyMs))
            .append(" | ")
            .append(stats(s, Sample::usableMs))
            .append(" |\n");
      }
      out.append('\n');
    }

    out.append("| configuration | N | ready | usable | ready vs defaults | usable vs defaults |\n");
    out.append("|---|---:|---:|---:|---:|---:|\n");
    for (int n : new int[] {8, 1}) {
      List<Sample> base = results.get(key("defaults", n));
      for (Variant v : n8) {
        List<Sample> s = results.get(key(v.label(), n));
        if (s == null) {
          continue;
        }
        boolean isBase = v.label().equals("defaults");
        double dReady = median(s, Sample::readyMs) - median(base, Sample::readyMs);
        double dUsable = median(s, Sample::usableMs) - median(base, Sample::usableMs);
        out.append("| ")
            .append(v.label())
            .append(" | ")
            .append(n)
            .append(" | ")
            .append(stats(s, Sample::readyMs))
            .append(" | ")
            .append(stats(s, Sample::usableMs))
            .append(" | ")
            .append(isBase ? "" : String.format(Locale.ROOT, "%+.0f", dReady))
            .append(" | ")
            .append(isBase ? "" : String.format(Locale.ROOT, "%+.0f", dUsable))
            .append(" |\n");
      }
    }
    out.append('\n');

    out.append(
        "| raw baseline (outside the framework, until every JVM exited; "
            + Math.min(reps, 5)
            + " repetitions) | N | wall time |\n");
    out.append("|---|---:|---:|\n");
    for (Map.Entry<String, List<Double>> e : raw.entrySet()) {
      String[] parts = e.getKey().split("\\|");
      out.append("| ")
          .append(parts[0])
          .append(" | ")
          .append(parts[1])
          .append(" | ")
          .append(stats(e.getValue()))
          .append(" |\n");
    }
    System.out.print(out);
    System.out.flush();
    progress("total benchmark time %.0f s", ms(System.nanoTime() - benchStart) / 1000);
  }

  /**
   * A new host agent whose procs get the variant's options, without the archive or the selector pin
   * if it says so (both system properties are read once, when the host agent starts).
   */
  private static HostMesh hostFor(Variant v) {
    MonarchConfig config =
        MonarchConfig.fromEnvironment()
            .withProcJvmOptions(
                concat(MonarchConfig.fromEnvironment().procJvmOptions(), v.options()));
    if (!v.cds()) {
      System.setProperty("monarch.cds.disable", "true");
    }
    if (!v.selectorPin()) {
      System.setProperty("monarch.proc.pinSelectorProvider", "false");
    }
    try {
      return HostMesh.local(config);
    } finally {
      System.clearProperty("monarch.cds.disable");
      System.clearProperty("monarch.proc.pinSelectorProvider");
    }
  }

  /** One repetition, taken again while other processes were busy during it. */
  private Sample measureClean(HostMesh host, int n) {
    for (int attempt = 1; ; attempt++) {
      CpuWindow before = CpuWindow.now();
      Sample s = measureOnce(host, n);
      double foreign = before.foreignPercentUntilNow();
      if (foreign <= FOREIGN_CPU_LIMIT_PERCENT) {
        return s;
      }
      if (attempt == MAX_ATTEMPTS) {
        keptNoisy++;
        progress("  (kept a noisy sample: other processes used %.0f%% of the CPU)", foreign);
        return s;
      }
      retried++;
      progress("  (retaking: other processes used %.0f%% of the CPU)", foreign);
      awaitQuiet();
    }
  }

  private double rawClean(int n, List<String> flags, String cp, boolean jackson) {
    for (int attempt = 1; ; attempt++) {
      CpuWindow before = CpuWindow.now();
      double wall = rawLaunch(n, flags, cp, jackson);
      double foreign = before.foreignPercentUntilNow();
      if (foreign <= FOREIGN_CPU_LIMIT_PERCENT) {
        return wall;
      }
      if (attempt == MAX_ATTEMPTS) {
        keptNoisy++;
        return wall;
      }
      retried++;
      awaitQuiet();
    }
  }

  /** Waits (at most 10 s) for half a second in which the machine is nearly idle. */
  private static void awaitQuiet() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && machineBusyPercent(500) > FOREIGN_CPU_LIMIT_PERCENT) {
      // keep waiting
    }
  }

  /**
   * CPU time from /proc: the whole machine's (busy and total) and this JVM's with its reaped
   * children (the procs, once stopped). What the machine spent beyond ours is other processes'.
   */
  record CpuWindow(long total, long busy, long mine) {
    static CpuWindow now() {
      try {
        long[] m = cpuTicks();
        String stat = Files.readString(Paths.get("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // after "pid (comm) ": state is field 3; utime, stime, cutime, cstime are fields 14-17
        long mine =
            Long.parseLong(f[11])
                + Long.parseLong(f[12])
                + Long.parseLong(f[13])
                + Long.parseLong(f[14]);
        return new CpuWindow(m[0], m[0] - m[1], mine);
      } catch (IOException | RuntimeException e) {
        return new CpuWindow(0, 0, 0);
      }
    }

    double foreignPercentUntilNow() {
      CpuWindow now = now();
      long dt = now.total - total;
      if (total == 0 || dt <= 0) {
        return 0;
      }
      return 100.0 * Math.max(0, (now.busy - busy) - (now.mine - mine)) / dt;
    }
  }

  /** One repetition: spawn, actor, call; then stop (not timed) and let the machine settle. */
  private static Sample measureOnce(HostMesh host, int n) {
    long t0 = System.nanoTime();
    ProcMesh pm = host.spawnProcs(Map.of("gpus", n));
    long t1 = System.nanoTime();
    try {
      ActorMesh<RankActor> am = pm.spawn("a", RankActor.class);
      List<Integer> ranks = am.call(RankActor::rank);
      long t2 = System.nanoTime();
      if (!ranks.equals(IntStream.range(0, n).boxed().toList())) {
        throw new IllegalStateException("unexpected ranks " + ranks);
      }
      return new Sample(ms(t1 - t0), ms(t2 - t0));
    } finally {
      pm.stop();
      sleep(SETTLE_MILLIS);
    }
  }

  /**
   * Spawns one proc at a time until procs run with the AppCDS archive (or AppCDS cannot apply);
   * returns the JVM flags of the last proc, as read from its command line.
   */
  private static List<String> waitForArchive(HostMesh host) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ARCHIVE_WAIT_SECONDS);
    while (true) {
      ProcMesh pm = host.spawnProcs(Map.of("gpus", 1));
      List<String> flags;
      try {
        flags = jvmFlags(pm.pids().get(0));
      } finally {
        pm.stop();
      }
      Optional<String> archive =
          flags.stream().filter(f -> f.startsWith("-XX:SharedArchiveFile=")).findFirst();
      if (archive.isPresent()) {
        progress("procs run with %s", archive.get());
        return flags;
      }
      Optional<ProcessHandle> training =
          ProcessHandle.current()
              .descendants()
              .filter(
                  p ->
                      p.info()
                          .arguments()
                          .map(a -> List.of(a).contains("--cds-train"))
                          .orElse(false))
              .findFirst();
      if (training.isEmpty() && !cdsPossible()) {
        progress("no AppCDS for procs on this class path; measuring without it");
        return flags;
      }
      if (System.nanoTime() > deadline) {
        progress(
            "WARNING: the AppCDS archive did not appear within %d s; measuring without it",
            ARCHIVE_WAIT_SECONDS);
        return flags;
      }
      if (training.isPresent()) {
        progress("waiting for the AppCDS training run (pid %d)", training.get().pid());
        training
            .get()
            .onExit()
            .orTimeout(ARCHIVE_WAIT_SECONDS, TimeUnit.SECONDS)
            .exceptionally(e -> null)
            .join();
      } else {
        sleep(500);
      }
    }
  }

  private static boolean cdsPossible() {
    String cp = System.getProperty("java.class.path");
    return !Boolean.getBoolean("monarch.cds.disable")
        && Arrays.stream(cp.split(File.pathSeparator)).allMatch(e -> e.endsWith(".jar"));
  }

  /** The JVM options of a running proc: its arguments before "-cp". */
  private static List<String> jvmFlags(long pid) {
    List<String> args;
    try {
      byte[] raw = Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "cmdline"));
      args = List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
    } catch (IOException e) {
      args =
          ProcessHandle.of(pid)
              .flatMap(p -> p.info().commandLine())
              .map(c -> List.of(c.split(" ")))
              .orElse(List.of());
    }
    List<String> flags = new ArrayList<>();
    for (int i = 1; i < args.size() && !args.get(i).equals("-cp"); i++) {
      flags.add(args.get(i));
    }
    return flags;
  }

  /** Wall time of n trivial JVMs launched in parallel, until the last one exited. */
  private static double rawLaunch(int n, List<String> flags, String cp, boolean jackson) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(flags);
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add(Trivial.class.getName());
    if (jackson) {
      cmd.add("jackson");
    }
    try {
      long t0 = System.nanoTime();
      List<Process> ps = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ps.add(
            new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start());
      }
      for (Process p : ps) {
        if (p.waitFor() != 0) {
          throw new IllegalStateException("trivial JVM exited with " + p.exitValue() + ": " + cmd);
        }
      }
      double wall = ms(System.nanoTime() - t0);
      sleep(SETTLE_MILLIS);
      return wall;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void record(String label, int n, Sample s) {
    results.computeIfAbsent(key(label, n), k -> new ArrayList<>()).add(s);
    progress("  %-60s N=%d ready %5.0f ms, usable %5.0f ms", label, n, s.readyMs(), s.usableMs());
  }

  private static String key(String label, int n) {
    return label + "|" + n;
  }

  private static String stats(List<Sample> s, java.util.function.ToDoubleFunction<Sample> f) {
    return stats(s.stream().map(f::applyAsDouble).toList());
  }

  private static double median(List<Sample> s, java.util.function.ToDoubleFunction<Sample> f) {
    return median(s.stream().map(f::applyAsDouble).toList());
  }

  private static String stats(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return String.format(
        Locale.ROOT,
        "%.0f (%.0f-%.0f)",
        median(sorted),
        sorted.get(0),
        sorted.get(sorted.size() - 1));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int m = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
  }

  /** Percentage of all CPUs busy over the next {@code millis}, from /proc/stat (-1 if unknown). */
  private static double machineBusyPercent(long millis) {
    try {
      long[] a = cpuTicks();
      Thread.sleep(millis);
      long[] b = cpuTicks();
      long total = b[0] - a[0];
      return total <= 0 ? -1 : 100.0 * (total - (b[1] - a[1])) / total;
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** {total, idle + iowait} jiffies of the "cpu" line of /proc/stat. */
  private static long[] cpuTicks() throws IOException {
    String[] f = Files.readAllLines(Paths.get("/proc/stat")).get(0).trim().split("\\s+");
    long total = 0;
    for (int i = 1; i < f.length; i++) {
      total += Long.parseLong(f[i]);
    }
    return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
  }

  private static String fileSize(String path) {
    try {
      return String.format(Locale.ROOT, "%.1f MB", Files.size(Path.of(path)) / 1e6);
    } catch (IOException e) {
      return "missing";
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(Collectors.toList());
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void progress(String format, Object... args) {
    System.err.println(String.format(Locale.ROOT, format, args));
  }
}
