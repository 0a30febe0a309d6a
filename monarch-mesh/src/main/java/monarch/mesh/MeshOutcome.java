package monarch.mesh;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How a mesh's run ended, decided from what its procs did: every rank's exit status as known when
 * it was decided (index = rank; null for a rank still running) and the first failure the client
 * learned of, if any. See {@link ProcMesh#outcome()}.
 */
public record MeshOutcome(List<Integer> exitStatuses, ProcFailure firstFailure) {
  public MeshOutcome {
    exitStatuses = Collections.unmodifiableList(new ArrayList<>(exitStatuses));
  }

  /** Whether a rank failed. */
  public boolean failed() {
    return firstFailure != null;
  }

  /**
   * The status a launcher exits with, as mpirun does: 0 when no rank failed, else the first
   * failure's status (1 when that is 0 or unknown, as for an actor host that exited by itself).
   */
  public int exitStatus() {
    if (firstFailure == null) {
      return 0;
    }
    return firstFailure.exitStatus() > 0 ? firstFailure.exitStatus() : 1;
  }
}
