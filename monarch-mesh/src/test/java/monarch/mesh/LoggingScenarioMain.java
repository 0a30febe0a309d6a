package monarch.mesh;

import java.util.Map;

/**
 * Client programs the logging tests run as their own JVM, so that they can read the client's real
 * stdout and stderr. Lines starting with "SCENARIO " are the program's own markers.
 */
public final class LoggingScenarioMain {
  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    HostMesh host = HostMesh.local();
    ProcMesh pm = host.spawnProcs(Map.of("gpus", Integer.parseInt(args[1])));
    ActorMesh<Chatty> a = pm.spawn("chatty", Chatty.class);
    switch (scenario) {
      case "levels" -> {
        pm.loggingOption(false, null, 20);
        a.call(Chatty::print, "streaming off line");
        pm.loggingOption(true, null, 50);
        a.call(Chatty::print, "fatal level print");
        a.call(Chatty::logError, "error record at fatal");
        pm.loggingOption(true, null, 40);
        a.call(Chatty::print, "error level print");
        a.call(Chatty::logError, "error record at error");
        pm.flush();
      }
      case "window-to-none" -> {
        pm.loggingOption(true, 60, 20);
        a.call(Chatty::printTimes, "aggregated log line", 5);
        marker("window-none");
        pm.loggingOption(true, null, 20);
        marker("window-none-done");
        for (int i = 0; i < 5; i++) {
          a.call(Chatty::print, "single log line");
        }
        pm.flush();
        marker("singles-done");
      }
      case "window-shorter" -> {
        pm.loggingOption(true, 100, 20);
        a.call(Chatty::printTimes, "first batch", 3);
        marker("window-2");
        pm.loggingOption(true, 2, 20);
        a.call(Chatty::printTimes, "second batch, different", 3);
        Thread.sleep(5_000); // the program idles while the windows close; the test times them
      }
      case "fast-exit" -> {
        pm.loggingOption(true, 1000, 20);
        a.call(Chatty::printTimes, "has print streaming", 5);
        pm.stop();
      }
      case "fast-exit-hook" -> {
        pm.loggingOption(true, 1000, 20);
        a.call(Chatty::printTimes, "has print streaming", 5);
        // no stop(): the JVM shutdown hook must flush and print the aggregate once
      }
      case "no-forwarding-warning" -> {
        pm.loggingOption(true, 3, 20);
        pm.loggingOption(true, null, 20);
        pm.flush();
        a.call(Chatty::print, "stays on the host console");
        marker("done");
      }
      case "exit-130-then-exit" -> {
        // a rank that exits 130 by itself, and a client that exits at once: no Ctrl-C here
        ProcMesh failing =
            host.spawnProcs(
                Map.of("procs", 1),
                ProcCommand.executable(
                    java.util.List.of("sh", "-c", "echo my last words >&2; exit 130")),
                new monarch.logging.LoggingOptions(true, null, 20));
        failing.outcome().join();
      }
      default -> throw new IllegalArgumentException(scenario);
    }
    marker("end");
    System.exit(0);
  }

  static void marker(String name) {
    System.out.println("SCENARIO " + name);
    System.out.flush();
  }
}
