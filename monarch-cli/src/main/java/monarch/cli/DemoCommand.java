package monarch.cli;

import java.nio.file.Path;
import java.util.Map;
import monarch.config.MonarchConfig;
import monarch.logging.LogLevel;
import monarch.mesh.ActorMesh;
import monarch.mesh.HostMesh;
import monarch.mesh.ProcMesh;

/**
 * {@code monarch demo}: the main job. A local mesh runs a fake training loop and the demo walks
 * through what the logging subsystem does with it: streaming, aggregation, stderr, a level change,
 * a flush barrier, a last line without a newline, and clean teardown.
 */
record DemoCommand(int procs, int paceMs) {
  static final String USAGE =
      """
      Usage: monarch demo [-n N] [--pace-ms MS]
      Run a fake training job on a local mesh and watch its logs stream and aggregate.
        -n, --procs N       number of procs (default: 4)
            --pace-ms MS    time per training step (default: 120)
        -h, --help          show this help and exit
      """;

  /** The demo the arguments describe, or null if they ask for help (printed here). */
  static DemoCommand parse(ArgReader in) {
    int procs = 4;
    int paceMs = 120;
    for (String o; (o = in.nextOption()) != null; ) {
      switch (o) {
        case "-n", "--procs" -> procs = in.intValue(o, 1);
        case "--pace-ms" -> paceMs = in.intValue(o, 0);
        case "-h", "--help" -> {
          System.out.print(USAGE);
          return null;
        }
        default -> throw ArgReader.unknown(o);
      }
    }
    if (!in.operands().isEmpty()) {
      throw new ArgReader.UsageException(
          "demo takes no operands, got '" + in.operands().get(0) + "'");
    }
    return new DemoCommand(procs, paceMs);
  }

  int call() {
    MonarchConfig config = MonarchConfig.fromEnvironment();
    config = config.withFileLog(config.logDir());
    say("starting " + procs + " procs on this host (light JVMs, no actor system inside) ...");
    long t0 = System.nanoTime();
    try (HostMesh host = HostMesh.local(config);
        ProcMesh pm = host.spawnProcs(Map.of("gpus", procs))) {
      say(String.format("%d procs ready in %.2f s", procs, (System.nanoTime() - t0) / 1e9));
      ActorMesh<DemoTrainer> trainers = pm.spawn("trainer", DemoTrainer.class);

      say("1) streaming every line as it comes: [host pid] [rank] line");
      pm.loggingOption(true, null, LogLevel.INFO.value());
      trainers.call(DemoTrainer::train, 0, 3, paceMs);

      say("2) aggregation over 2 s windows: similar lines from all ranks become one line each");
      pm.loggingOption(true, 2, LogLevel.INFO.value());
      trainers.call(DemoTrainer::train, 3, 23, paceMs);

      say(
          "3) level WARNING: the procs' java.util.logging INFO records (checkpoints) are now hidden");
      pm.loggingOption(true, 2, LogLevel.WARNING.value());
      trainers.call(DemoTrainer::train, 23, 40, paceMs);

      say("4) flush: when it returns, everything the procs wrote so far is above");
      pm.flush();
      say("flushed");

      say("5) stop: each rank prints a last line without a newline; stop delivers it");
      pm.loggingOption(true, null, LogLevel.INFO.value());
      trainers.call(DemoTrainer::finish);
    }
    Path dir = config.logDir();
    say("done. Per-proc files (stdout and stderr of every rank) are in " + dir);
    return 0;
  }

  private static void say(String s) {
    System.out.println("\n=== monarch demo: " + s);
    System.out.flush();
  }
}
