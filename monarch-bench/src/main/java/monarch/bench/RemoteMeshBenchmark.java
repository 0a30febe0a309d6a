package monarch.bench;

import static monarch.bench.FlushLatencyBenchmark.ms;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import monarch.actor.Actor;
import monarch.actor.Endpoint;
import monarch.cli.ArgReader;
import monarch.config.MonarchConfig;
import monarch.config.TlsKeys;
import monarch.logging.LoggingOptions;
import monarch.mesh.HostMesh;
import monarch.mesh.ProcCommand;
import monarch.mesh.ProcMesh;

/**
 * A mesh over the network against the same mesh on {@code HostMesh.local()}, in one run: two host
 * agents started as {@code monarch agent --tls} in JVMs of their own (on loopback: the network path
 * is Artery with mutual TLS, the wire is the kernel's), 2 procs each, against 4 procs of a local
 * host. Measures the time from {@code connect} to a usable 4-proc mesh, lines per second with the
 * client's and the agents' CPU, and flush latency. The client's printing goes to a counting stream,
 * which also checks that every line arrived once; the numbers go to stdout.
 *
 * <pre>
 * java -cp "monarch-bench/target/monarch-bench.jar:monarch-bench/target/lib/*" monarch.bench.RemoteMeshBenchmark [ROUNDS]
 * </pre>
 */
public final class RemoteMeshBenchmark {
  static final int LINES_PER_PROC = 250_000;
  static final String LINE = "[load] step 1234 loss 0.4321 lr 3.0e-4 tokens/s 123456 grad_norm 1.2";
  static final int FLUSH_SAMPLES = 200;
  static final int READY_SAMPLES = 5;

  /** What a usable mesh answers: its host's name. */
  public static class Where extends Actor {
    @Endpoint
    public String host() {
      return context().hostname();
    }
  }

  /** Counts the lines the client prints and throws them away. */
  static final class CountingOut extends OutputStream {
    final AtomicLong lines = new AtomicLong();

    @Override
    public void write(int b) {
      if (b == '\n') {
        lines.incrementAndGet();
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      long n = 0;
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') {
          n++;
        }
      }
      lines.addAndGet(n);
    }
  }

  static final String USAGE =
      "Usage: RemoteMeshBenchmark [ROUNDS]   (throughput rounds per side, default 3)\n";

  public static void main(String[] args) throws Exception {
    int rounds =
        BenchArgs.readOrExit("RemoteMeshBenchmark", USAGE, args, RemoteMeshBenchmark::rounds);
    PrintStream report = System.out;
    CountingOut sink = new CountingOut();
    System.setOut(new PrintStream(sink, false, StandardCharsets.UTF_8)); // what the client prints
    Path keys = Files.createTempDirectory("monarch-bench-").resolve("keys");
    TlsKeys.generate(keys);
    List<Process> agents = new ArrayList<>();
    try {
      List<String> addresses = new ArrayList<>();
      for (String name : List.of("bench-a", "bench-b")) {
        Process p = startAgent(keys, name);
        agents.add(p);
        addresses.add(awaitAddress(p));
      }
      MonarchConfig config = MonarchConfig.fromEnvironment().withTls(keys);
      Supplier<HostMesh> remote = () -> HostMesh.connect(addresses, config);
      Supplier<HostMesh> local = HostMesh::local;

      report.printf(
          "## connect to a usable 4-proc mesh (2 agents x 2 JVM procs, TLS)%n%n"
              + "| sample | connect ms | spawnProcs ms | spawn actor + call ms | total ms |%n"
              + "|---:|---:|---:|---:|---:|%n");
      for (int i = 1; i <= READY_SAMPLES; i++) {
        long t0 = System.nanoTime();
        try (HostMesh hosts = remote.get()) {
          long t1 = System.nanoTime();
          ProcMesh pm = hosts.spawnProcs(Map.of("gpus", 2));
          long t2 = System.nanoTime();
          List<String> where = pm.spawn("where", Where.class).call(Where::host);
          long t3 = System.nanoTime();
          check(
              where.equals(List.of("bench-a", "bench-a", "bench-b", "bench-b")), "hosts " + where);
          report.printf(
              "| %d | %.0f | %.0f | %.0f | %.0f |%n",
              i, ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t3 - t0));
          pm.stop();
        }
      }
      report.println();

      report.printf(
          "## %d lines per proc, 4 procs, streamed (sh: yes | head)%n%n"
              + "| side | round | seconds | lines/s | client CPU s | agents' CPU s |%n"
              + "|---|---:|---:|---:|---:|---:|%n",
          LINES_PER_PROC);
      for (int r = 1; r <= rounds; r++) {
        throughput(
            report, "local (agent in the client)", r, local, Map.of("gpus", 4), sink, agents);
        throughput(report, "2 agents x 2, TLS", r, remote, Map.of("gpus", 2), sink, agents);
      }

      report.printf(
          "%n## flush latency, 4 idle JVM procs%n%n"
              + "| side | samples | median ms | p99 ms | max ms |%n|---|---:|---:|---:|---:|%n");
      flushLatency(report, "local", local, Map.of("gpus", 4));
      flushLatency(report, "2 agents x 2, TLS", remote, Map.of("gpus", 2));
    } finally {
      for (Process p : agents) {
        p.destroy(); // SIGTERM: the agent stops its procs, then exits
      }
      for (Process p : agents) {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
    System.exit(0);
  }

  private static Integer rounds(ArgReader in) {
    List<String> operands = BenchArgs.operands(in, 0, 1);
    if (operands == null) {
      return null;
    }
    return operands.isEmpty() ? 3 : BenchArgs.intOperand("ROUNDS", operands.get(0), 1);
  }

  static void throughput(
      PrintStream report,
      String side,
      int round,
      Supplier<HostMesh> hosts,
      Map<String, Integer> perHost,
      CountingOut sink,
      List<Process> agents)
      throws Exception {
    String script = "yes '" + LINE + "' | head -n " + LINES_PER_PROC;
    try (HostMesh h = hosts.get()) {
      long before = sink.lines.get();
      long clientCpu0 = clientCpuNanos();
      long agentsCpu0 = agentsCpuTicks(agents);
      long t0 = System.nanoTime();
      ProcMesh pm =
          h.spawnProcs(
              perHost,
              ProcCommand.executable(List.of("sh", "-c", script)),
              new LoggingOptions(true, null, 20));
      List<Integer> statuses = pm.exitStatuses().get(10, TimeUnit.MINUTES);
      pm.flush();
      long nanos = System.nanoTime() - t0;
      double clientCpu = (clientCpuNanos() - clientCpu0) / 1e9;
      double agentsCpu = (agentsCpuTicks(agents) - agentsCpu0) / 100.0;
      long lines = sink.lines.get() - before;
      pm.stop();
      check(statuses.equals(List.of(0, 0, 0, 0)), side + " statuses " + statuses);
      check(lines == 4L * LINES_PER_PROC, side + " printed " + lines + " lines");
      report.printf(
          "| %s | %d | %.2f | %,.0f | %.2f | %s |%n",
          side,
          round,
          nanos / 1e9,
          lines / (nanos / 1e9),
          clientCpu,
          side.startsWith("local") ? "(in the client)" : String.format("%.2f", agentsCpu));
    }
  }

  static void flushLatency(
      PrintStream report, String side, Supplier<HostMesh> hosts, Map<String, Integer> perHost) {
    try (HostMesh h = hosts.get()) {
      ProcMesh pm = h.spawnProcs(perHost);
      pm.loggingOption(true, null, 20);
      FlushLatencyBenchmark.measure(pm, 30);
      FlushLatencyBenchmark.row(report, side, FlushLatencyBenchmark.measure(pm, FLUSH_SAMPLES));
      pm.stop();
    }
  }

  static Process startAgent(Path keys, String name) throws IOException {
    return new ProcessBuilder(
            ChildProcesses.javaMain(
                "monarch.cli.MonarchCli",
                "agent",
                "--listen",
                "127.0.0.1:0",
                "--tls",
                keys.toString(),
                "--hostname",
                name))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  /** The ADDR:PORT of the agent's one line "... listening on ADDR:PORT (...)". */
  static String awaitAddress(Process agent) throws IOException {
    String line =
        new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    check(line != null && line.contains(" listening on "), "agent said " + line);
    return listeningAddress(line);
  }

  /** ADDR:PORT from an agent's line "... listening on ADDR:PORT (...)". */
  static String listeningAddress(String line) {
    return line.substring(line.indexOf(" listening on ") + 14).split(" ")[0];
  }

  static long clientCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** utime + stime of the agents' JVMs, in clock ticks (USER_HZ, 100 on Linux). */
  static long agentsCpuTicks(List<Process> agents) throws IOException {
    long ticks = 0;
    for (Process p : agents) {
      String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
    }
    return ticks;
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("benchmark check failed: " + what);
    }
  }
}
