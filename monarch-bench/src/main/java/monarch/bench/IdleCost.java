package monarch.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import monarch.cli.ArgReader;
import monarch.mesh.HostMesh;
import monarch.mesh.ProcCommand;
import monarch.mesh.ProcMesh;

/**
 * What idle procs cost their client (with the host agent inside it): the client JVM's threads and
 * its CPU time over a quiet interval, once with no procs and once with N JVM procs (actor hosts)
 * and N executables ({@code sleep}) that write nothing. The difference, per proc, is the agent's
 * cost of watching an idle proc: its tees, its channel, its forwarder's heartbeat.
 *
 * <pre>
 * java -cp "monarch-bench/target/monarch-bench.jar:monarch-bench/target/lib/*" monarch.bench.IdleCost 16 10
 * </pre>
 *
 * Prints {@code idle procs=N kind=K threads=T threads-per-proc=X cpu-percent-per-proc=Y}.
 */
public final class IdleCost {
  static final String USAGE = "Usage: IdleCost [PROCS [SECONDS]]   (default 16 procs, 10 s)\n";

  private record Args(int procs, int seconds) {}

  public static void main(String[] args) throws Exception {
    Args a = BenchArgs.readOrExit("IdleCost", USAGE, args, IdleCost::parse);
    try (HostMesh host = HostMesh.local()) {
      host.spawnProcs(Map.of("gpus", 1)).stop(); // class loading and the ActorSystem, once
      Sample none = sample(a.seconds());
      for (ProcCommand command :
          List.of(ProcCommand.actorHost(), ProcCommand.executable(List.of("sleep", "3600")))) {
        ProcMesh pm = host.spawnProcs(Map.of("gpus", a.procs()), command);
        Thread.sleep(2_000); // past start-up: what is measured is the steady idle state
        Sample idle = sample(a.seconds());
        pm.stop();
        double cpuPercent = 100.0 * (idle.cpuNanos - none.cpuNanos) / (a.seconds() * 1e9);
        System.out.printf(
            "idle procs=%d kind=%s threads=%d threads-per-proc=%.2f cpu-percent-per-proc=%.4f%n",
            a.procs(),
            command.kind(),
            idle.threads,
            (idle.threads - none.threads) / (double) a.procs(),
            cpuPercent / a.procs());
      }
    }
    System.exit(0);
  }

  private record Sample(long cpuNanos, int threads) {}

  /** This JVM's CPU time over {@code seconds} of quiet, and its thread count at the end. */
  private static Sample sample(int seconds) throws InterruptedException, IOException {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long before = os.getProcessCpuTime();
    Thread.sleep(seconds * 1000L);
    long cpu = os.getProcessCpuTime() - before;
    int threads = 0;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Threads:")) {
        threads = Integer.parseInt(line.substring("Threads:".length()).trim());
      }
    }
    return new Sample(cpu, threads);
  }

  private static Args parse(ArgReader in) {
    List<String> operands = BenchArgs.operands(in, 0, 2);
    if (operands == null) {
      return null;
    }
    return new Args(
        operands.size() > 0 ? BenchArgs.intOperand("PROCS", operands.get(0), 1) : 16,
        operands.size() > 1 ? BenchArgs.intOperand("SECONDS", operands.get(1), 1) : 10);
  }
}
