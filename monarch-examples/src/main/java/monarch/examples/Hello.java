package monarch.examples;

import java.util.List;
import java.util.Map;
import monarch.actor.Actor;
import monarch.actor.Endpoint;
import monarch.mesh.ActorMesh;
import monarch.mesh.HostMesh;
import monarch.mesh.ProcMesh;

public class Hello {
  public static class Printer extends Actor {
    @Endpoint
    public void print(String s) {
      System.out.println(s + " from rank " + context().rank());
    }

    @Endpoint
    public int rank() {
      return context().rank();
    }
  }

  public static void main(String[] args) {
    try (HostMesh host = HostMesh.local();
        ProcMesh pm = host.spawnProcs(Map.of("gpus", 4))) { // 4 light JVM procs
      pm.loggingOption(true, 3, 20); // stream, 3 s window, INFO
      ActorMesh<Printer> printers = pm.spawn("printer", Printer.class);
      List<Integer> ranks = printers.call(Printer::rank); // [0, 1, 2, 3]
      printers.call(Printer::print, "hello"); // runs on every rank
      pm.flush(); // all 4 lines are printed now
      System.out.println("ranks " + ranks);
    } // stops every proc
  }
}
