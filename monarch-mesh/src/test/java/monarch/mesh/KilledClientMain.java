package monarch.mesh;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * A client the teardown test runs as its own JVM and kills with SIGKILL: N JVM procs, or with a
 * second argument, N executables running that command line under sh.
 */
public final class KilledClientMain {
  public static void main(String[] args) throws Exception {
    HostMesh host = HostMesh.local();
    int n = Integer.parseInt(args[0]);
    ProcMesh pm =
        args.length == 1
            ? host.spawnProcs(Map.of("gpus", n))
            : host.spawnProcs(
                Map.of("procs", n),
                ProcCommand.executable(java.util.List.of("sh", "-c", args[1])),
                new monarch.logging.LoggingOptions(true, null, 20)); // every line as it comes
    System.out.println(
        "PIDS " + pm.pids().stream().map(String::valueOf).collect(Collectors.joining(" ")));
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
