package monarch.internal.client;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import monarch.internal.protocol.AgentProtocol.Event;
import monarch.internal.protocol.AgentProtocol.ProcsFailed;
import monarch.internal.protocol.AgentProtocol.ProcsReady;
import monarch.internal.protocol.AgentProtocol.ProcsStopped;
import monarch.internal.protocol.AgentProtocol.RankLost;
import monarch.internal.protocol.AgentProtocol.RankReply;

/**
 * The client's open requests to host agents, by request id. Each has a {@link Collector} that
 * gathers the agents' answers and says when it is complete; then it is removed, so the table holds
 * only requests still in flight. Answers nobody waits for (a broadcast that failed) go to the
 * orphan handler.
 */
public final class Requests {
  /** Gathers the answers to one request. */
  public interface Collector {
    /** Takes one answer; true when the request is complete. */
    boolean accept(Event event);

    /** The request cannot complete (the client is shutting down). */
    void fail(Throwable cause);
  }

  private final AtomicLong ids = new AtomicLong();
  private final ConcurrentHashMap<Long, Collector> open = new ConcurrentHashMap<>();
  private final Consumer<Event> orphans;

  public Requests(Consumer<Event> orphans) {
    this.orphans = orphans;
  }

  public long nextId() {
    return ids.incrementAndGet();
  }

  public long open(Collector c) {
    long id = nextId();
    open.put(id, c);
    return id;
  }

  public void cancel(long id, Throwable cause) {
    Collector c = open.remove(id);
    if (c != null) {
      c.fail(cause);
    }
  }

  /** Routes an agent's answer to its request. */
  public void dispatch(Event e) {
    long id = requestId(e);
    Collector c = id < 0 ? null : open.get(id);
    if (c == null) {
      orphans.accept(e);
      return;
    }
    boolean done;
    synchronized (c) {
      done = c.accept(e);
    }
    if (done) {
      open.remove(id, c);
    }
  }

  public void failAll(Throwable cause) {
    for (Long id : open.keySet()) {
      cancel(id, cause);
    }
  }

  static long requestId(Event e) {
    if (e instanceof RankReply r) return r.requestId();
    if (e instanceof RankLost r) return r.requestId();
    if (e instanceof ProcsReady r) return r.requestId();
    if (e instanceof ProcsFailed r) return r.requestId();
    if (e instanceof ProcsStopped r) return r.requestId();
    return -1;
  }
}
