package monarch.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import monarch.bench.RemoteMeshBenchmark.CountingOut;
import monarch.cli.ArgReader;
import monarch.config.MonarchConfig;
import monarch.config.TlsKeys;
import monarch.logging.LoggingOptions;
import monarch.mesh.HostMesh;
import monarch.mesh.ProcCommand;
import monarch.mesh.ProcMesh;
import monarch.netns.NamespaceHosts;

/**
 * Many hosts into one client: the same total workload (8 procs of the C producer, N lines of 100
 * bytes each) on a local host (the agent inside the client), then on 1, 2 and 4 namespace hosts
 * ({@link NamespaceHosts}: each its own network namespace, address and hostname) running {@code
 * monarch agent --tls}, 8, 4 and 2 procs each. The client prints into a counting stream (as to
 * /dev/null) that checks every line arrived; per side it reports lines/s, the client's CPU per line
 * and the agents' CPU, medians of the rounds. Needs root (namespaces); prints Markdown on stdout
 * and exits 1 if a check failed.
 *
 * <pre>
 * java -cp "monarch-bench/target/monarch-bench.jar:monarch-bench/target/lib/*" monarch.bench.HostsFanInBenchmark [--lines N] [--rounds R]
 * </pre>
 */
public final class HostsFanInBenchmark {
  static final int PROCS = 8;
  static final int PORT = 26600;

  private HostsFanInBenchmark() {}

  record Options(long lines, int rounds) {}

  static final String USAGE =
      """
      Usage: HostsFanInBenchmark [--lines N] [--rounds R]
        --lines N    lines per proc, 8 procs per side (default 1000000)
        --rounds R   runs per side, the median shown (default 2)
      """;

  /** One side's run: wall seconds, lines, the client's and the agents' CPU seconds. */
  record Run(double sec, long lines, double clientCpu, double agentsCpu) {}

  public static void main(String[] args) {
    PrintStream progress = System.err;
    try {
      run(args, progress);
    } catch (Exception e) { // stderr is the client's, dropped, by now
      e.printStackTrace(progress);
      System.exit(1);
    }
  }

  private static void run(String[] args, PrintStream progress) throws Exception {
    Options o =
        BenchArgs.readOrExit("HostsFanInBenchmark", USAGE, args, HostsFanInBenchmark::parse);
    String why = NamespaceHosts.unavailable();
    if (why != null) {
      System.err.println("HostsFanInBenchmark: no namespace hosts here: " + why);
      System.exit(2);
    }
    Path root = E2eOptions.findRoot();
    Path work = root.resolve("monarch-bench/target/e2e");
    Files.createDirectories(work);
    Path producer = Producer.build(root, work);
    PrintStream report = System.out;
    CountingOut sink = new CountingOut();
    System.setOut(new PrintStream(sink, false, StandardCharsets.UTF_8)); // what the client prints
    System.setErr(new PrintStream(OutputStream.nullOutputStream())); // its producer-ns lines
    Path keys = Files.createTempDirectory("monarch-bench-").resolve("keys");
    TlsKeys.generate(keys);
    List<Process> agents = new ArrayList<>();
    boolean ok = true;
    try (NamespaceHosts net = NamespaceHosts.create(4)) {
      try {
        List<String> addresses = new ArrayList<>();
        for (NamespaceHosts.Host h : net.hosts()) {
          Process p = startAgent(h, keys);
          agents.add(p);
          addresses.add(awaitListening(p));
        }
        MonarchConfig config = MonarchConfig.fromEnvironment().withTls(keys);
        List<String> sides = List.of("local (agent in the client)", "1 host", "2 hosts", "4 hosts");
        List<List<Run>> runs = new ArrayList<>();
        for (int s = 0; s < sides.size(); s++) {
          runs.add(new ArrayList<>());
        }
        for (int r = 0; r < o.rounds(); r++) {
          for (int s = 0; s < sides.size(); s++) {
            int hosts = s == 0 ? 0 : 1 << (s - 1);
            Supplier<HostMesh> mesh =
                hosts == 0
                    ? HostMesh::local
                    : () -> HostMesh.connect(addresses.subList(0, hosts), config);
            Run run =
                run(mesh, hosts == 0 ? PROCS : PROCS / hosts, producer, o.lines(), sink, agents);
            progress.printf(
                Locale.ROOT,
                "[fan-in] %s, round %d: %.2f s, %,.0f lines/s, client CPU %.2f s%n",
                sides.get(s),
                r + 1,
                run.sec(),
                run.lines() / run.sec(),
                run.clientCpu());
            if (run.lines() != PROCS * o.lines()) {
              progress.printf(
                  "[fan-in] FAILED: %s printed %,d of %,d lines%n",
                  sides.get(s), run.lines(), PROCS * o.lines());
              ok = false;
            }
            runs.get(s).add(run);
          }
        }
        report.printf(
            Locale.ROOT,
            "Many hosts into one client: %d procs x %,d lines of 100 bytes (%,d lines) per side,"
                + " TLS between client and agents, client output counted and dropped; medians of %d"
                + " round(s).%n%n"
                + "| side | procs per host | wall s | lines/s | vs local | client CPU s |"
                + " client CPU ns per line | agents' CPU s |%n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|%n",
            PROCS,
            o.lines(),
            PROCS * o.lines(),
            o.rounds());
        double local = PROCS * o.lines() / median(runs.get(0), Run::sec);
        for (int s = 0; s < sides.size(); s++) {
          double sec = median(runs.get(s), Run::sec);
          double cpu = median(runs.get(s), Run::clientCpu);
          double rate = PROCS * o.lines() / sec;
          report.printf(
              Locale.ROOT,
              "| %s | %d | %.2f | %,.0f | %.2fx | %.2f | %.0f | %s |%n",
              sides.get(s),
              s == 0 ? PROCS : PROCS >> (s - 1),
              sec,
              rate,
              rate / local,
              cpu,
              cpu * 1e9 / (PROCS * o.lines()),
              s == 0
                  ? "(in the client)"
                  : String.format(Locale.ROOT, "%.2f", median(runs.get(s), Run::agentsCpu)));
        }
        report.printf(
            Locale.ROOT,
            "%nClient peak RSS over all sides: %,d MiB (run-e2e.sh gives this JVM bin/monarch's"
                + " heap flags).%n",
            peakRssKb() / 1024);
      } finally { // before the hosts go: their close kills what still runs there
        for (Process p : agents) {
          p.destroy(); // SIGTERM: the agent stops its procs, then exits
        }
        for (Process p : agents) {
          if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        }
      }
    }
    report.flush();
    System.exit(ok ? 0 : 1);
  }

  static Options parse(ArgReader in) {
    long lines = 1_000_000;
    int rounds = 2;
    for (String opt; (opt = in.nextOption()) != null; ) {
      switch (opt) {
        case "--lines" -> lines = in.longValue(opt, 1);
        case "--rounds" -> rounds = in.intValue(opt, 1);
        case "-h", "--help" -> {
          return null;
        }
        default -> throw ArgReader.unknown(opt);
      }
    }
    BenchArgs.noOperands(in);
    return new Options(lines, rounds);
  }

  static Run run(
      Supplier<HostMesh> hosts,
      int perHost,
      Path producer,
      long lines,
      CountingOut sink,
      List<Process> agents)
      throws Exception {
    try (HostMesh h = hosts.get()) {
      long before = sink.lines.get();
      long clientCpu0 = RemoteMeshBenchmark.clientCpuNanos();
      long agentsCpu0 = RemoteMeshBenchmark.agentsCpuTicks(agents);
      long t0 = System.nanoTime();
      ProcMesh pm =
          h.spawnProcs(
              Map.of("procs", perHost),
              ProcCommand.executable(List.of(producer.toString(), Long.toString(lines))),
              new LoggingOptions(true, null, 20));
      List<Integer> statuses = pm.exitStatuses().get(30, TimeUnit.MINUTES);
      pm.flush();
      double sec = (System.nanoTime() - t0) / 1e9;
      double clientCpu = (RemoteMeshBenchmark.clientCpuNanos() - clientCpu0) / 1e9;
      double agentsCpu = (RemoteMeshBenchmark.agentsCpuTicks(agents) - agentsCpu0) / 100.0;
      long printed = sink.lines.get() - before;
      pm.stop();
      RemoteMeshBenchmark.check(
          statuses.stream().allMatch(st -> st == 0), "exit statuses " + statuses);
      return new Run(sec, printed, clientCpu, agentsCpu);
    }
  }

  /** {@code monarch agent --tls} on host h, at its address; its console drained once it listens. */
  static Process startAgent(NamespaceHosts.Host h, Path keys) throws IOException {
    ProcessBuilder pb =
        h.command(
            ChildProcesses.javaMain(
                "monarch.cli.MonarchCli",
                "agent",
                "--listen",
                h.address() + ":" + PORT,
                "--tls",
                keys.toString()));
    if (System.getenv("AGENT_JFR") != null) {
      pb.environment().put("JAVA_TOOL_OPTIONS", System.getenv("AGENT_JFR").replace("%h", h.name()));
    }
    return pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /**
   * The ADDR:PORT the agent says it listens on; its console is read from then on, never left full.
   */
  static String awaitListening(Process agent) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    for (int k = 0; k < 10 && line != null && !line.contains(" listening on "); k++) {
      line = out.readLine(); // what a JVM option (JFR, JAVA_TOOL_OPTIONS) printed first
    }
    RemoteMeshBenchmark.check(
        line != null && line.contains(" listening on "), "agent said " + line);
    Thread drain =
        new Thread(
            () -> {
              try {
                out.transferTo(java.io.Writer.nullWriter());
              } catch (IOException e) {
                // the agent is gone
              }
            });
    drain.setDaemon(true);
    drain.start();
    return RemoteMeshBenchmark.listeningAddress(line);
  }

  /** This JVM's peak resident set (VmHWM), in KB. */
  static long peakRssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
    double[] v = runs.stream().mapToDouble(f).toArray();
    Arrays.sort(v);
    return ArmResult.median(v);
  }
}
