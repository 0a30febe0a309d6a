package monarch.internal.host;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import monarch.config.MonarchConfig;
import monarch.internal.proc.ProcMain;

/**
 * Builds the command line of a JVM proc. The flags are the cheap start-up wins for a short-lived
 * child JVM that has to be ready in a fraction of a second (see docs/BENCHMARKS.md for what each
 * bought); the user's MONARCH_PROC_JVM_OPTS come last so they can override any of them.
 */
final class ProcLauncher {
  /** Start-up flags every JVM proc gets. */
  static final List<String> STARTUP_FLAGS = List.of(
      // no hsperfdata file per proc: nothing to mmap and clean up
      "-XX:-UsePerfData",
      // JVM warnings belong on the proc's stderr, never interleaved with the user's stdout
      "-Xlog:disable", "-Xlog:all=warning:stderr",
      // a proc's first work is class loading and small frames: a short JIT queue starts faster
      "-XX:TieredStopAtLevel=1",
      "-XX:+UseSerialGC",
      "-Xss512k");

  private final MonarchConfig config;
  private final CdsArchive cds;

  ProcLauncher(MonarchConfig config, CdsArchive cds) {
    this.config = config;
    this.cds = cds;
  }

  /** The command of a proc: {@code kind} is ACTOR_HOST, JAVA_MAIN (argv = class, args) or EXECUTABLE. */
  List<String> command(String kind, List<String> argv) {
    switch (kind) {
      case "EXECUTABLE":
        return argv;
      case "JAVA_MAIN": {
        List<String> cmd = jvmCommand();
        cmd.add("--main");
        cmd.addAll(argv);
        return cmd;
      }
      default:
        return jvmCommand();
    }
  }

  List<String> jvmCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary().toString());
    cmd.addAll(STARTUP_FLAGS);
    cmd.addAll(cds.flags());
    cmd.addAll(config.procJvmOptions());
    cmd.add("-cp");
    cmd.add(config.procClasspath());
    cmd.add(ProcMain.class.getName());
    return cmd;
  }

  static Path javaBinary() {
    return Paths.get(System.getProperty("java.home"), "bin", "java");
  }
}
