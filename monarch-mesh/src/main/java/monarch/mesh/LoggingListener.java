package monarch.mesh;

import java.util.HashSet;
import java.util.Set;
import monarch.mesh.MeshEvent.FlushIncomplete;
import monarch.mesh.MeshEvent.ProcFailed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link MeshListener}: one warning per failed rank, one per barrier at stop that
 * missed ranks nobody was told about; debug for the rest. Never prints to stdout.
 */
final class LoggingListener implements MeshListener {
  private static final Logger log = LoggerFactory.getLogger(ProcMesh.class);

  /** Ranks already reported as failed (at most one entry per rank). */
  private final Set<Integer> reported = new HashSet<>();

  @Override
  public void onEvent(MeshEvent event) {
    if (event instanceof ProcFailed f) {
      reported.add(f.failure().rank());
      log.warn("proc {}", f.failure().report());
    } else if (event instanceof MeshEvent.OutputFailed o) {
      log.warn(
          "cannot write to this client's {} (closed by its reader?); the procs' lines for it "
              + "are dropped from now on",
          o.target().name().toLowerCase());
    } else if (event instanceof FlushIncomplete f
        && f.atStop()
        && !reported.containsAll(f.error().missingRanks())) {
      log.warn("flush before stop: {}", f.error().getMessage());
    } else {
      log.debug("{}", event);
    }
  }
}
