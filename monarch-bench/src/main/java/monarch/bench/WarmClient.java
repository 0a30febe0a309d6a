package monarch.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import monarch.cli.ArgReader;
import monarch.logging.LoggingOptions;
import monarch.mesh.HostMesh;
import monarch.mesh.ProcCommand;
import monarch.mesh.ProcMesh;

/**
 * The end-to-end harness's warm-client arm: the same workload as {@code monarch run}, through the
 * library in one client JVM that has already run it {@code rounds - 1} times, so the last round
 * measures the data path without the JVM's start-up and JIT warm-up (what a long job sees). Earlier
 * rounds print to a discarding stream; only the last round's output reaches stdout (and the
 * harness's count check) and only its procs' stderr reaches stderr. It then prints {@code round-ns
 * NANOS}, the last round's time from spawn to stopped, on stderr.
 *
 * <pre>java -cp ... monarch.bench.WarmClient RANKS LINES ROUNDS PRODUCER</pre>
 */
public final class WarmClient {
  static final String USAGE = "Usage: WarmClient RANKS LINES ROUNDS PRODUCER\n";

  private WarmClient() {}

  /** LINES goes to the producer as it was given. */
  private record Args(int ranks, String lines, int rounds, String producer) {}

  public static void main(String[] args) throws Exception {
    Args a = BenchArgs.readOrExit("WarmClient", USAGE, args, WarmClient::parse);
    int ranks = a.ranks();
    int rounds = a.rounds();
    ProcCommand producer = ProcCommand.executable(List.of(a.producer(), a.lines()));
    PrintStream out = System.out;
    PrintStream err = System.err;
    PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
    long lastNanos = 0;
    int status = 0;
    try (HostMesh host = HostMesh.local()) {
      for (int r = 1; r <= rounds; r++) {
        boolean last = r == rounds;
        // the client actor takes System.out/err when the mesh is spawned
        System.setOut(last ? out : discard);
        System.setErr(last ? err : discard);
        long t0 = System.nanoTime();
        ProcMesh pm =
            host.spawnProcs(
                Map.of("procs", ranks),
                producer,
                LoggingOptions.defaults().withAggregateWindowSec(null));
        List<Integer> statuses = pm.exitStatuses().get();
        pm.stop();
        lastNanos = System.nanoTime() - t0;
        if (statuses.stream().anyMatch(s -> s != 0)) {
          status = 1;
          err.println("round " + r + ": exit statuses " + statuses);
        }
      }
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    out.flush();
    err.println("round-ns " + lastNanos);
    System.exit(status);
  }

  /** The operands, or null for help. */
  private static Args parse(ArgReader in) {
    List<String> operands = BenchArgs.operands(in, 4, 4);
    if (operands == null) {
      return null;
    }
    ArgReader.number("LINES", operands.get(1), 0, Long.MAX_VALUE);
    return new Args(
        BenchArgs.intOperand("RANKS", operands.get(0), 1),
        operands.get(1),
        BenchArgs.intOperand("ROUNDS", operands.get(2), 1),
        operands.get(3));
  }
}
