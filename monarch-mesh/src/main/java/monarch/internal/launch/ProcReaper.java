package monarch.internal.launch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals the process groups of a host agent's procs: each proc leads a group of its own (see
 * {@link ProcLauncher#SETSID}), so a signal to the group reaches every process the proc started
 * that did not leave it, even one whose parent is gone. A small shell, a child of the agent, does
 * the signalling (the JDK cannot signal a group): the agent writes it commands on a pipe, and when
 * that pipe ends (the agent is gone, however it went: SIGKILL, the OOM killer) it sends SIGTERM to
 * every group still watched and SIGKILL 2 s later. The shell ignores the terminal's signals, so a
 * Ctrl-C that reaches the agent's process group leaves it watching.
 *
 * <p>Groups are watched from their proc's launch to its mesh's stop, since a group can outlive its
 * leader. What is left open: a group id that becomes free (every member gone) and is reused by
 * another new group before its mesh stops or within the 2 s after the agent's death; that needs the
 * pid space to wrap around meanwhile. Memory: one short line per watched group, in the shell. At a
 * normal close the shell exits without signalling. Never touches the procs' output.
 */
public final class ProcReaper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProcReaper.class);

  // "+G" watches group G, "-G" forgets it, "T G" / "K G" sends it SIGTERM / SIGKILL now, "."
  // exits quietly; end of input stops what is still watched. Without setsid a proc leads no
  // group, and its leader alone is signalled ($MONARCH_REAPER_PIDS); never a pid for a group that
  // is gone, which could be a process that reused the number.
  private static final String SCRIPT =
      String.join(
          "\n",
          "trap '' INT HUP QUIT TERM",
          "if [ -n \"$MONARCH_REAPER_PIDS\" ]; then sig() { kill -$1 $2 2>/dev/null; }",
          "else sig() { kill -$1 -$2 2>/dev/null; }; fi",
          "groups=' '",
          "while IFS= read -r l; do",
          "  case $l in",
          "    +*) groups=\"$groups${l#+} \" ;;",
          "    -*) g=${l#-}; case $groups in *\" $g \"*) groups=\"${groups%% $g *} ${groups#* $g }\" ;; esac ;;",
          "    'T '*) sig TERM \"${l#T }\" ;;",
          "    'K '*) sig KILL \"${l#K }\" ;;",
          "    .) exit 0 ;;",
          "  esac",
          "done",
          "[ -z \"${groups# }\" ] && exit 0",
          "for g in $groups; do sig TERM \"$g\"; done",
          "sleep 2",
          "for g in $groups; do sig KILL \"$g\"; done",
          "");

  private final Process shell;
  private final OutputStream commands;
  private boolean broken;

  private ProcReaper(Process shell) {
    this.shell = shell;
    this.commands = shell.getOutputStream();
  }

  public static ProcReaper start() throws IOException {
    // the script travels in the environment, so ps shows a short, named command line
    ProcessBuilder pb =
        new ProcessBuilder("/bin/sh", "-c", "eval \"$MONARCH_REAPER\"", "monarch-reaper")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("MONARCH_REAPER", SCRIPT);
    if (ProcLauncher.SETSID.isEmpty()) {
      pb.environment().put("MONARCH_REAPER_PIDS", "1");
    }
    return new ProcReaper(pb.start());
  }

  /** Stop group {@code pgid} if this JVM dies first. */
  public void watch(long pgid) {
    send("+" + pgid);
  }

  /** Group {@code pgid} has been stopped for good: never signal it again. */
  public void forget(long pgid) {
    send("-" + pgid);
  }

  /** SIGTERM to every process of group {@code pgid} (its leader alone without a group). */
  public void terminate(long pgid) {
    send("T " + pgid);
  }

  /** SIGKILL to every process of group {@code pgid} (its leader alone without a group). */
  public void kill(long pgid) {
    send("K " + pgid);
  }

  /** Whether the shell still takes commands; if not, groups are the agent's own to signal. */
  public synchronized boolean working() {
    return !broken;
  }

  private synchronized void send(String line) {
    if (broken) {
      return;
    }
    try {
      commands.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      commands.flush();
    } catch (IOException e) {
      broken = true; // the shell is gone: procs still stop with the agent, just not without it
      log.warn(
          "the reaper of the procs' process groups has exited ({}); their children may "
              + "outlive a stop, and all of them this JVM's death",
          e.toString());
    }
  }

  /** The agent has stopped its procs itself: the shell exits without signalling anything. */
  @Override
  public synchronized void close() {
    send(".");
    broken = true;
    try {
      commands.close();
    } catch (IOException ignored) {
      // it is gone already
    }
  }

  Process process() {
    return shell;
  }
}
