package monarch.internal.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import monarch.logging.OutputTarget;

/**
 * What a mesh's client log actor did with the lines it took in: how many it received, how many it
 * wrote to this client's stdout or stderr (a group of N aggregated lines counts N), and the first
 * of those two streams that failed (closed by its reader, a full disk), after which lines for it
 * are dropped and only counted. The actor writes it; its mesh reads it from other threads.
 */
public final class OutputLedger {
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final CompletableFuture<OutputTarget> failed = new CompletableFuture<>();

  void received(long lines) {
    received.addAndGet(lines);
  }

  void written(long lines) {
    written.addAndGet(lines);
  }

  void failed(OutputTarget target) {
    failed.complete(target);
  }

  /** Completes with the first output stream that failed. */
  public CompletableFuture<OutputTarget> failure() {
    return failed;
  }

  /**
   * Lines the actor took in but has not written: 0 once a lossless teardown is done; otherwise the
   * lines its failed output dropped, and those it had not got to when its mesh gave up waiting
   * (lines still on their way to it are not counted, so this is a lower bound then).
   */
  public long undelivered() {
    return received.get() - written.get();
  }
}
