package monarch.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end report's two measurements besides the arms: flush latency ({@link
 * FlushLatencyBenchmark}) and time to ready ({@link TimeToReady}), each run in a child JVM so that
 * the harness itself never hosts a mesh, and read back from its stdout.
 */
final class MeshProbes {
  private MeshProbes() {}

  /**
   * The flush latency table as FlushLatencyBenchmark prints it; {@code failure} null when it ran.
   */
  record Flush(String table, String failure) {}

  /** Time to ready per run, and whether that run's procs had the AppCDS archive. */
  record Ready(List<Double> ms, List<Boolean> cds, String failure) {}

  private record Output(List<String> lines, String failure) {}

  static Flush flushLatency(E2eOptions o, Path work) throws IOException, InterruptedException {
    Output out =
        childJvm(
            o,
            work,
            "flush",
            FlushLatencyBenchmark.class.getName(),
            Integer.toString(o.flushSamples()));
    List<String> table = out.lines().stream().filter(l -> l.startsWith("|")).toList();
    String failure =
        out.failure() == null && table.size() != 4
            ? "unexpected output: " + out.lines()
            : out.failure();
    return new Flush(String.join("\n", table), failure);
  }

  static Ready timeToReady(E2eOptions o, Path work) throws IOException, InterruptedException {
    Output out =
        childJvm(
            o,
            work,
            "ready",
            TimeToReady.class.getName(),
            Integer.toString(o.readyProcs()),
            Integer.toString(o.readyRuns()));
    List<Double> ms = new ArrayList<>();
    List<Boolean> cds = new ArrayList<>();
    for (String l : out.lines()) {
      String[] f = l.split(" ");
      if (f.length == 3 && f[0].equals("ready-ms")) {
        ms.add(Double.parseDouble(f[1]));
        cds.add(f[2].equals("cds=true"));
      }
    }
    String failure =
        out.failure() == null && ms.size() != o.readyRuns()
            ? "unexpected output: " + out.lines()
            : out.failure();
    return new Ready(List.copyOf(ms), List.copyOf(cds), failure);
  }

  private static Output childJvm(E2eOptions o, Path work, String name, String main, String... args)
      throws IOException, InterruptedException {
    Path err = work.resolve(name + ".stderr");
    Path stdout = work.resolve(name + ".stdout");
    Process p =
        ChildProcesses.builder(ChildProcesses.javaMain(main, args), err)
            .redirectOutput(stdout.toFile())
            .start();
    boolean exited = p.waitFor(Math.max(o.runTimeout().toSeconds(), 120), TimeUnit.SECONDS);
    if (!exited) {
      ChildProcesses.killTree(p);
    }
    List<String> lines = ChildProcesses.readLines(stdout);
    if (!exited) {
      return new Output(lines, "did not finish in time");
    }
    if (p.exitValue() != 0) {
      List<String> e = ChildProcesses.readLines(err);
      return new Output(
          lines, "exit status " + p.exitValue() + (e.isEmpty() ? "" : ": " + e.get(e.size() - 1)));
    }
    return new Output(lines, null);
  }
}
