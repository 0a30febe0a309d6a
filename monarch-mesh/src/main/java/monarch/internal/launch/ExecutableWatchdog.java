package monarch.internal.launch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a host agent's executable procs when the agent's JVM dies without stopping them
 * (SIGKILL, the OOM killer). A JVM proc exits by itself once its channel closes; an executable
 * has no channel. So a small shell, a child of the agent, reads the pids of the live executables
 * from a pipe the agent holds; at end of file (the agent is gone, however it went, or closed it)
 * it sends what is left SIGTERM, with their direct children when pkill exists, and SIGKILL to
 * whatever still runs 2 s later. The shell ignores the terminal's signals, so a Ctrl-C that
 * reaches the whole process group leaves it watching.
 *
 * <p>A pid is forgotten once its proc has been reaped (pids are reused). What is left open: a pid
 * reused between its proc's reaping and that message, or within the 2 s after the agent's death,
 * could be signalled; both need the pid space to wrap around in that time. Grandchildren, and
 * children that ignore SIGTERM, are not followed (a normal stop walks the whole tree). At a
 * normal close the agent has stopped its procs, and the shell exits without signalling. Memory:
 * one short line per live executable, in the shell. Never reads or writes the procs' output.
 */
public final class ExecutableWatchdog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExecutableWatchdog.class);

  // "+PID" watches, "-PID" forgets, "." exits quietly; end of input stops what is left.
  private static final String SCRIPT = String.join("\n",
      "trap '' INT HUP QUIT TERM",
      "pids=' '",
      "while IFS= read -r l; do",
      "  case $l in",
      "    +*) pids=\"$pids${l#+} \" ;;",
      "    -*) p=${l#-}; case $pids in *\" $p \"*) pids=\"${pids%% $p *} ${pids#* $p }\" ;; esac ;;",
      "    .) exit 0 ;;",
      "  esac",
      "done",
      "alive=''",
      "for p in $pids; do kill -0 \"$p\" 2>/dev/null && alive=\"$alive $p\"; done",
      "[ -z \"$alive\" ] && exit 0",
      "for p in $alive; do command -v pkill >/dev/null 2>&1 && pkill -TERM -P \"$p\"; kill -TERM \"$p\"; done 2>/dev/null",
      "sleep 2",
      "for p in $alive; do kill -0 \"$p\" && kill -KILL \"$p\"; done 2>/dev/null",
      "");

  private final Process shell;
  private final OutputStream pids;
  private boolean broken;

  private ExecutableWatchdog(Process shell) {
    this.shell = shell;
    this.pids = shell.getOutputStream();
  }

  public static ExecutableWatchdog start() throws IOException {
    // the script travels in the environment, so ps shows a short, named command line
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "eval \"$MONARCH_WATCHDOG\"", "monarch-watchdog")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("MONARCH_WATCHDOG", SCRIPT);
    Process p = pb.start();
    return new ExecutableWatchdog(p);
  }

  /** Stop {@code pid} if this JVM dies first. */
  public void watch(long pid) {
    send("+" + pid);
  }

  /** {@code pid} has exited and been reaped: never signal it. */
  public void forget(long pid) {
    send("-" + pid);
  }

  private synchronized void send(String line) {
    if (broken) {
      return;
    }
    try {
      pids.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      pids.flush();
    } catch (IOException e) {
      broken = true; // the shell is gone: procs still stop with the agent, just not without it
      log.warn("the watchdog for executable procs has exited ({}); if this JVM is killed, they "
          + "may outlive it", e.toString());
    }
  }

  /** The agent has stopped its procs itself: the shell exits without signalling anything. */
  @Override
  public synchronized void close() {
    send(".");
    broken = true;
    try {
      pids.close();
    } catch (IOException ignored) {
      // it is gone already
    }
  }

  Process process() {
    return shell;
  }
}
