package monarch.mesh;

import java.util.Map;
import java.util.stream.Collectors;

/** A client the teardown test runs as its own JVM and kills with SIGKILL. */
public final class KilledClientMain {
  public static void main(String[] args) throws Exception {
    HostMesh host = HostMesh.local();
    ProcMesh pm = host.spawnProcs(Map.of("gpus", Integer.parseInt(args[0])));
    System.out.println("PIDS " + pm.pids().stream().map(String::valueOf).collect(Collectors.joining(" ")));
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
