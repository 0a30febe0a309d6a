package monarch.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The signals that end a run from outside (Ctrl-C's SIGINT, SIGTERM from timeout or a scheduler,
 * SIGHUP from a closed terminal) as data: the first one completes {@link #received()} with its
 * number, and {@code onSignal} runs for each, on the JVM's signal thread, told whether it is the
 * first. While installed, the JVM's own reaction (run the shutdown hooks and exit) is replaced, so
 * the run can stop its ranks, print what they wrote and choose its exit status. Signals the process
 * was started with ignored (a background job's SIGINT) stay ignored. {@link #close()} puts the
 * JVM's handlers back.
 *
 * <p>Uses {@code sun.misc.Signal} (module jdk.unsupported): the JDK has no public API for this, and
 * a shutdown hook can neither tell a signal from a normal exit nor choose the status.
 */
final class SignalWatch implements AutoCloseable {
  static final List<String> SIGNALS = List.of("INT", "TERM", "HUP");

  private final CompletableFuture<Integer> received = new CompletableFuture<>();
  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();

  /**
   * Watches {@link #SIGNALS}; {@code onSignal} runs for each signal, after {@link #received()} has
   * completed, with true for the first.
   */
  SignalWatch(java.util.function.Consumer<Boolean> onSignal) {
    for (String name : SIGNALS) {
      Signal s = new Signal(name);
      SignalHandler handler = sig -> onSignal.accept(received.complete(sig.getNumber()));
      try {
        SignalHandler old = Signal.handle(s, handler);
        if (old == SignalHandler.SIG_IGN) {
          Signal.handle(s, old); // ignored when we started (nohup, a background job): keep it so
          continue;
        }
        signals.add(s);
        previous.add(old);
      } catch (IllegalArgumentException inUseByTheJvm) {
        // not ours to take; the JVM's own handling stays
      }
    }
  }

  /** Completes with the number of the first signal received (2, 15, 1). */
  CompletableFuture<Integer> received() {
    return received;
  }

  /** The status a process that dies of the first signal would have: 128 + its number. */
  int exitStatus() {
    return 128 + received.join();
  }

  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
