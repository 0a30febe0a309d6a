package monarch.internal.client;

import java.util.concurrent.CompletableFuture;
import monarch.internal.protocol.AgentProtocol.Event;
import monarch.internal.protocol.AgentProtocol.ProcsFailed;
import monarch.internal.protocol.AgentProtocol.RankLost;
import monarch.internal.protocol.AgentProtocol.RankReply;

/**
 * Collects one answer per rank for a request sent to every proc of a mesh, and completes with all
 * of them indexed by rank, or as soon as a rank is lost (missing slots then stay null). A caller
 * that stops waiting can still see who answered. Memory: one slot per rank.
 */
public final class RankCollector implements Requests.Collector {
  private final RankOutcome[] outcomes;
  private int missing;
  private final CompletableFuture<RankOutcome[]> done = new CompletableFuture<>();

  public RankCollector(int ranks) {
    this.outcomes = new RankOutcome[ranks];
    this.missing = ranks;
  }

  public CompletableFuture<RankOutcome[]> future() {
    return done;
  }

  /** The answers so far, index = rank (null: no answer yet). */
  public synchronized RankOutcome[] answered() {
    return outcomes.clone();
  }

  @Override
  public synchronized boolean accept(Event e) {
    if (e instanceof RankReply r) {
      put(new RankOutcome(r.rank(), r.value(), r.failure(), null));
    } else if (e instanceof RankLost l) {
      put(new RankOutcome(l.exit().rank(), null, null, l.exit()));
      // A lost rank fails the whole call now, even if other ranks are still busy; their late
      // answers are still absorbed here until every rank is accounted for.
      done.complete(outcomes.clone());
    } else if (e instanceof ProcsFailed f) {
      done.completeExceptionally(new IllegalStateException(f.message()));
      return true;
    }
    if (missing == 0) {
      done.complete(outcomes);
      return true;
    }
    return false;
  }

  private void put(RankOutcome o) {
    if (o.rank() >= 0 && o.rank() < outcomes.length && outcomes[o.rank()] == null) {
      outcomes[o.rank()] = o;
      missing--;
    }
  }

  @Override
  public void fail(Throwable cause) {
    done.completeExceptionally(cause);
  }
}
