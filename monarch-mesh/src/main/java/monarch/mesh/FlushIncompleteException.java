package monarch.mesh;

import java.util.List;

/**
 * A barrier ended without every rank: the listed ranks are dead or did not answer within the
 * timeout. Everything the other ranks wrote before the barrier has been printed.
 */
public final class FlushIncompleteException extends MeshException {
  private final List<Integer> missingRanks;

  public FlushIncompleteException(List<Integer> missingRanks, long timeoutMillis) {
    super("flush did not complete on ranks " + missingRanks + " (dead, or no answer within "
        + timeoutMillis + " ms); every other rank's output before the flush has been printed");
    this.missingRanks = List.copyOf(missingRanks);
  }

  public List<Integer> missingRanks() {
    return missingRanks;
  }
}
