package monarch.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import monarch.mesh.HostMesh;
import monarch.mesh.ProcMesh;

/**
 * Time to ready of N JVM procs: how long {@code host.spawnProcs(Map.of("gpus", N))} takes on a
 * local mesh, i.e. until every proc has dialed its host agent. EndToEndBenchmark runs it in a
 * child JVM, so the harness itself never hosts a mesh. Run from jars only (as run-e2e.sh does),
 * the procs map the AppCDS archive of their class path; each sample says whether they did.
 *
 * <pre>java -cp "monarch-bench/target/monarch-bench.jar:monarch-bench/target/lib/*" monarch.bench.TimeToReady 8 5</pre>
 *
 * Prints one line per run: {@code ready-ms MILLIS cds=true|false}.
 */
public final class TimeToReady {
  public static void main(String[] args) throws InterruptedException {
    int procs = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
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

  /** Waits while a child JVM is training the procs' AppCDS archive, so samples all get it. */
  private static void awaitCdsTraining(long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (System.nanoTime() < deadline && ProcessHandle.current().descendants().anyMatch(
        p -> p.info().arguments().map(a -> Arrays.asList(a).contains("--cds-train")).orElse(false))) {
      Thread.sleep(100);
    }
  }

  /** Whether the JVM procs now running were started with an AppCDS archive. */
  private static boolean procsUseCds() {
    return ProcessHandle.current().children().anyMatch(p -> p.info().arguments()
        .map(a -> Arrays.stream(a).anyMatch(s -> s.startsWith("-XX:SharedArchiveFile="))).orElse(false));
  }
}
