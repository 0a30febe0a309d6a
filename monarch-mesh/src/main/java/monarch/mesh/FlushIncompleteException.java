package monarch.mesh;

import java.util.List;
import java.util.TreeSet;

/**
 * A barrier ended without every rank: {@link #missingRanks()} are dead, did not answer within the
 * timeout, or could not be confirmed because the client itself is behind. The message says which;
 * in the first two cases everything the other ranks wrote before the barrier has been printed.
 */
public final class FlushIncompleteException extends MeshException {
  private final List<Integer> missingRanks;

  private FlushIncompleteException(String message, List<Integer> missingRanks) {
    super(message);
    this.missingRanks = List.copyOf(new TreeSet<>(missingRanks));
  }

  /** Some ranks are dead or silent; the client printed what every other rank wrote. */
  static FlushIncompleteException ranksMissing(
      List<Integer> dead, List<Integer> silent, long timeoutMillis) {
    StringBuilder why = new StringBuilder("flush did not complete: ");
    if (!dead.isEmpty()) {
      why.append(dead.size() == 1 ? "rank " + dead.get(0) + " is" : "ranks " + dead + " are")
          .append(" dead");
    }
    if (!silent.isEmpty()) {
      why.append(dead.isEmpty() ? "" : ", ")
          .append(silent.size() == 1 ? "rank " + silent.get(0) : "ranks " + silent)
          .append(" gave no answer within ")
          .append(timeoutMillis)
          .append(" ms");
    }
    List<Integer> all = new java.util.ArrayList<>(dead);
    all.addAll(silent);
    return new FlushIncompleteException(
        why + "; every other rank's output before the flush has been printed", all);
  }

  /**
   * The client's own log actor did not answer in time (its stdout blocked or read slowly, or the
   * mesh stopping meanwhile): no rank's output is confirmed.
   */
  static FlushIncompleteException clientBehind(List<Integer> ranks, long timeoutMillis) {
    return new FlushIncompleteException(
        "flush did not complete within "
            + timeoutMillis
            + " ms: the client has not printed its procs' output in time (is its stdout or stderr "
            + "blocked or read slowly, or is the mesh stopping?); no output of ranks "
            + ranks
            + " is confirmed",
        ranks);
  }

  /** The ranks the barrier could not confirm, in order. */
  public List<Integer> missingRanks() {
    return missingRanks;
  }
}
