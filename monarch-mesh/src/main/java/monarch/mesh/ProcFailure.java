package monarch.mesh;

import java.util.List;
import monarch.internal.protocol.AgentProtocol;

/**
 * A proc that exited without being asked to: its rank, pid, host, exit status (128 + n when it was
 * killed by signal n, -1 when unknown) and the last lines it wrote.
 */
public record ProcFailure(
    int rank, long pid, String hostname, int exitStatus, List<String> lastLines) {
  public ProcFailure {
    lastLines = List.copyOf(lastLines);
  }

  /** "rank 2 (pid 1234 on host-a) exited with status 137 (killed by signal 9)". */
  public String describe() {
    return "rank "
        + rank
        + " (pid "
        + pid
        + " on "
        + hostname
        + ") exited with "
        + AgentProtocol.describeStatus(exitStatus);
  }

  /** {@link #describe()}, then the last lines, one per line. */
  public String report() {
    return describe()
        + (lastLines.isEmpty() ? "" : "; its last lines:\n  " + String.join("\n  ", lastLines));
  }
}
