package monarch.mesh;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells one mesh's listener its events, one at a time and in the order given, on the executor's
 * threads: whoever produces an event (the client's receiver actor) never runs listener code and
 * never waits for it. Memory: the events not yet heard, at most a few per rank plus one per
 * incomplete barrier.
 */
final class EventDelivery {
  private static final Logger log = LoggerFactory.getLogger(EventDelivery.class);

  private final MeshListener listener;
  private final Executor executor;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean running;

  /** The thread telling the listener right now, or null. */
  private volatile Thread delivering;

  EventDelivery(MeshListener listener, Executor executor) {
    this.listener = listener;
    this.executor = executor;
  }

  void deliver(MeshEvent event) {
    enqueue(
        () -> {
          try {
            listener.onEvent(event);
          } catch (RuntimeException e) {
            log.warn("a mesh listener failed on {}", event, e);
          }
        });
  }

  /** Completes once every event delivered before this call has been heard. */
  CompletableFuture<Void> drained() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    enqueue(() -> done.complete(null));
    return done;
  }

  private void enqueue(Runnable r) {
    synchronized (queue) {
      queue.add(r);
      if (running) {
        return;
      }
      running = true;
    }
    executor.execute(this::drain);
  }

  /** Whether the caller is the listener, hearing an event now. */
  boolean onDeliveryThread() {
    return delivering == Thread.currentThread();
  }

  private void drain() {
    delivering = Thread.currentThread();
    while (true) {
      Runnable next;
      synchronized (queue) {
        next = queue.poll();
        if (next == null) {
          delivering = null; // (before another drain may start)
          running = false;
          return;
        }
      }
      next.run(); // (a listener's exception is caught inside)
    }
  }
}
