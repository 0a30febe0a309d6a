package monarch.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import monarch.cli.ArgReader;
import monarch.mesh.HostMesh;
import monarch.mesh.ProcMesh;

/**
 * Time to ready of N JVM procs: how long {@code host.spawnProcs(Map.of("gpus", N))} takes on a
 * local mesh, i.e. until every proc has dialed its host agent. EndToEndBenchmark runs it in a child
 * JVM, so the harness itself never hosts a mesh. Run from jars only (as run-e2e.sh does), the procs
 * map the AppCDS archive of their class path; each sample says whether they did.
 *
 * <pre>
 * java -cp "monarch-bench/target/monarch-bench.jar:monarch-bench/target/lib/*" monarch.bench.TimeToReady 8 5
 * </pre>
 *
 * Prints one line per run: {@code ready-ms MILLIS cds=true|false}.
 */
public final class TimeToReady {
  static final String USAGE = "Usage: TimeToReady [PROCS [RUNS]]   (default 8 procs, 5 runs)\n";

  private record Args(int procs, int runs) {}

  public static void main(String[] args) throws InterruptedException {
    Args a = BenchArgs.readOrExit("TimeToReady", USAGE, args, TimeToReady::parse);
    int procs = a.procs();
    int runs = a.runs();
    PrintStream report = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try (HostMesh host = HostMesh.local()) {
      // warm-up: the first spawn pays for class loading in this JVM, and the archive of the procs'
      // class path is trained in the background the first time that class path is seen
      host.spawnProcs(Map.of("gpus", procs)).stop();
      awaitCdsTraining(TimeUnit.SECONDS.toNanos(90));
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        ProcMesh pm = host.spawnProcs(Map.of("gpus", procs));
        long nanos = System.nanoTime() - t0;
        report.printf("ready-ms %.1f cds=%b%n", nanos / 1e6, procsUseCds());
        pm.stop();
      }
    }
    report.flush();
    System.exit(0);
  }

  /** PROCS and RUNS, or null for help. */
  private static Args parse(ArgReader in) {
    List<String> operands = BenchArgs.operands(in, 0, 2);
    if (operands == null) {
      return null;
    }
    return new Args(
        operands.size() > 0 ? BenchArgs.intOperand("PROCS", operands.get(0), 1) : 8,
        operands.size() > 1 ? BenchArgs.intOperand("RUNS", operands.get(1), 1) : 5);
  }

  /** Waits while a child JVM is training the procs' AppCDS archive, so samples all get it. */
  private static void awaitCdsTraining(long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (System.nanoTime() < deadline
        && ProcessHandle.current()
            .descendants()
            .anyMatch(
                p ->
                    p.info()
                        .arguments()
                        .map(a -> Arrays.asList(a).contains("--cds-train"))
                        .orElse(false))) {
      Thread.sleep(100);
    }
  }

  /** Whether the JVM procs now running were started with an AppCDS archive. */
  private static boolean procsUseCds() {
    return ProcessHandle.current()
        .children()
        .anyMatch(
            p ->
                p.info()
                    .arguments()
                    .map(
                        a -> Arrays.stream(a).anyMatch(s -> s.startsWith("-XX:SharedArchiveFile=")))
                    .orElse(false));
  }
}
