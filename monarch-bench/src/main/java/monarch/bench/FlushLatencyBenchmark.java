package monarch.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import monarch.actor.Actor;
import monarch.actor.Endpoint;
import monarch.cli.ArgReader;
import monarch.mesh.ActorMesh;
import monarch.mesh.HostMesh;
import monarch.mesh.ProcMesh;

/**
 * Flush latency on a real 4-proc local mesh: the time pm.flush() takes, idle and while every proc
 * prints a steady stream of lines. The client's printing goes to a discarding stream so the
 * terminal is not the bottleneck; the numbers go to the real stdout.
 *
 * <pre>
 * java -cp "monarch-bench/target/monarch-bench.jar:monarch-bench/target/lib/*" monarch.bench.FlushLatencyBenchmark [SAMPLES]
 * </pre>
 *
 * SAMPLES (default 300) per condition; EndToEndBenchmark's smoke mode passes a few.
 */
public final class FlushLatencyBenchmark {
  static final int PROCS = 4;
  static final int SAMPLES = 300;
  static final int LINES_PER_SEC_PER_PROC = 20_000;

  /** Prints lines at a steady rate from a background thread until stopped. */
  public static class Noisy extends Actor {
    private volatile boolean running;

    @Endpoint
    public void start(int linesPerSec) {
      running = true;
      Thread t =
          new Thread(
              () -> {
                long period = 1_000_000_000L / Math.max(1, linesPerSec / 100);
                long next = System.nanoTime();
                long n = 0;
                while (running) {
                  for (int i = 0; i < 100; i++) {
                    System.out.println(
                        "[load] step "
                            + (n++)
                            + " loss 0.4321 lr 3.0e-4 tokens/s 123456 grad_norm 1.2345");
                  }
                  next += period;
                  long sleep = next - System.nanoTime();
                  if (sleep > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(sleep);
                  }
                }
              },
              "noisy");
      t.setDaemon(true);
      t.start();
    }

    @Endpoint
    public void stop() {
      running = false;
    }
  }

  static final String USAGE =
      "Usage: FlushLatencyBenchmark [SAMPLES]   (per condition, default " + SAMPLES + ")\n";

  public static void main(String[] args) {
    int samples =
        BenchArgs.readOrExit("FlushLatencyBenchmark", USAGE, args, FlushLatencyBenchmark::samples);
    int warmup = Math.min(50, samples);
    PrintStream report = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try (HostMesh host = HostMesh.local();
        ProcMesh pm = host.spawnProcs(Map.of("gpus", PROCS))) {
      pm.loggingOption(true, null, 20);
      ActorMesh<Noisy> noisy = pm.spawn("noisy", Noisy.class);
      measure(pm, warmup);
      long[] idle = measure(pm, samples);
      noisy.call(Noisy::start, LINES_PER_SEC_PER_PROC);
      measure(pm, warmup);
      long[] load = measure(pm, samples);
      noisy.call(Noisy::stop);
      report.printf(
          "| condition | samples | median ms | p99 ms | max ms |%n|---|---:|---:|---:|---:|%n");
      row(report, "4 procs idle", idle);
      row(report, "4 procs, " + LINES_PER_SEC_PER_PROC + " lines/s each, no aggregation", load);
    }
    System.exit(0);
  }

  /** SAMPLES, or null for help. */
  private static Integer samples(ArgReader in) {
    List<String> operands = BenchArgs.operands(in, 0, 1);
    if (operands == null) {
      return null;
    }
    return operands.isEmpty() ? SAMPLES : BenchArgs.intOperand("SAMPLES", operands.get(0), 1);
  }

  static long[] measure(ProcMesh pm, int n) {
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      pm.flush();
      nanos[i] = System.nanoTime() - t0;
    }
    Arrays.sort(nanos);
    return nanos;
  }

  static void row(PrintStream out, String name, long[] sorted) {
    out.printf(
        "| %s | %d | %.2f | %.2f | %.2f |%n",
        name,
        sorted.length,
        ms(sorted[sorted.length / 2]),
        ms(sorted[(int) Math.ceil(sorted.length * 0.99) - 1]),
        ms(sorted[sorted.length - 1]));
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }
}
