package monarch.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import monarch.config.MonarchConfig;
import monarch.logging.LoggingOptions;
import monarch.logging.OutputTarget;
import monarch.mesh.HostMesh;
import monarch.mesh.MeshEvent;
import monarch.mesh.MeshListener;
import monarch.mesh.MeshOutcome;
import monarch.mesh.ProcCommand;
import monarch.mesh.ProcFailure;
import monarch.mesh.ProcLaunchException;
import monarch.mesh.ProcMesh;

/**
 * One {@code monarch run}, from spawning its ranks to its exit status, decided from data: the
 * mesh's outcome (every status and the first failure), a signal the process received, and whether
 * its own output failed, whichever comes first. It stops the ranks, then says what happened on
 * stderr, once per failed rank; nothing is printed after it returns. The library itself reports
 * nothing: this is the run's listener.
 */
final class Run {
  /**
   * After a signal, how long the ranks' last lines may take to be written before they are given up.
   */
  static final Duration SIGNAL_OUTPUT_WAIT = Duration.ofSeconds(5);

  /**
   * What a pipeline member whose reader went away exits with (128 + SIGPIPE), as yes in yes | head.
   */
  static final int OUTPUT_FAILED = 141;

  private final int procs;
  private final List<String> hosts;
  private final ProcCommand command;
  private final LoggingOptions logging;
  private final MonarchConfig config;
  private final CompletableFuture<OutputTarget> outputFailed = new CompletableFuture<>();
  private final AtomicBoolean outputFailureAnnounced = new AtomicBoolean();

  /** {@code hosts}: the agents to run on ({@code host:port}); empty: this host, in this JVM. */
  Run(
      int procs,
      List<String> hosts,
      ProcCommand command,
      LoggingOptions logging,
      MonarchConfig config) {
    this.procs = procs;
    this.hosts = hosts;
    this.command = command;
    this.logging = logging;
    this.config = config;
  }

  int call() {
    Signalled signalled = new Signalled(Thread.currentThread());
    MeshListener listener =
        event -> {
          if (event instanceof MeshEvent.OutputFailed o) {
            outputFailed.complete(o.target());
          }
        };
    try (SignalWatch signals = new SignalWatch(signalled::now);
        HostMesh host =
            hosts.isEmpty() ? HostMesh.local(config) : HostMesh.connect(hosts, config)) {
      ProcMesh pm;
      try {
        pm = host.spawnProcs(Map.of("procs", procs), command, logging, listener);
      } catch (ProcLaunchException e) {
        System.err.println("monarch run: " + e.getMessage()); // (a shell's words, and its status)
        return e.exitStatus();
      } catch (RuntimeException e) {
        if (signals.received().isDone()) {
          return signals.exitStatus();
        }
        throw e;
      } finally {
        signalled.spawnEnded();
      }
      signalled.running(pm);
      CompletableFuture.anyOf(pm.outcome(), signals.received(), outputFailed)
          .handle((x, e) -> null)
          .join();
      if (signals.received().isDone()) {
        // Stopped from outside (Ctrl-C, timeout, a scheduler): the ranks stop with the run, which
        // is not their failure; ranks that had failed before it are still reported.
        stop(pm, SIGNAL_OUTPUT_WAIT);
        report(pm.failures().subList(0, signalled.failuresBefore(pm)), null);
        return signals.exitStatus();
      }
      if (outputFailed.isDone()) {
        announceOutputFailure();
        System.err.println("monarch run: stopping the ranks");
        stop(pm, null);
        return signals.received().isDone() ? signals.exitStatus() : OUTPUT_FAILED;
      }
      MeshOutcome outcome = pm.outcome().join();
      if (!outcome.failed()) {
        boolean whole = stop(pm, null);
        return signals.received().isDone()
            ? signals.exitStatus()
            : whole ? 0 : outputFailed.isDone() ? OUTPUT_FAILED : 1;
      }
      ProcFailure first = outcome.firstFailure();
      System.err.println(
          "monarch run: " + first.describe() + (procs > 1 ? "; stopping the other ranks" : ""));
      stop(pm, null);
      report(pm.failures(), first);
      return outcome.exitStatus();
    }
  }

  /**
   * Stops the mesh, waiting as long as this process's output takes the ranks' last lines (a signal
   * bounds the wait); false, after saying so, if some could not be written.
   */
  private boolean stop(ProcMesh pm, Duration outputWait) {
    if (outputWait == null) {
      pm.stop();
    } else {
      pm.stop(outputWait);
    }
    long lost = pm.undeliveredLines();
    if (outputFailed.isDone()) {
      announceOutputFailure();
    }
    if (lost > 0) {
      System.err.println(
          "monarch run: "
              + lost
              + " line"
              + (lost == 1 ? "" : "s")
              + " of the ranks' output could not be written");
    }
    return lost == 0 && !outputFailed.isDone();
  }

  /** As a pipeline member whose reader went away (yes | head -1) would, once. */
  private void announceOutputFailure() {
    if (outputFailureAnnounced.compareAndSet(false, true)) {
      System.err.println(
          "monarch run: cannot write to "
              + outputFailed.join().name().toLowerCase()
              + " (closed by its reader, or failing)");
    }
  }

  /** One line per failed rank, in the order the client learned of them; {@code skip} was said. */
  private static void report(List<ProcFailure> failures, ProcFailure skip) {
    for (ProcFailure f : failures) {
      if (!f.equals(skip)) {
        System.err.println("monarch run: " + f.describe());
      }
    }
  }

  /** What a signal finds: a spawn still waiting for its procs, or a running or stopping mesh. */
  private static final class Signalled {
    private final Thread runner;
    private boolean spawning = true;
    private ProcMesh mesh;

    /** How many failures the client knew of when the first signal came; -1 before one came. */
    private int failures = -1;

    Signalled(Thread runner) {
      this.runner = runner;
    }

    /**
     * A first signal stops the run (or bounds the stop under way): the ranks' last lines get {@link
     * #SIGNAL_OUTPUT_WAIT} to be written, so a reader that has paused cannot hold the run (as a
     * Unix tool blocked on its output dies of the signal). A second signal ends that wait at once,
     * or a spawn still waiting for its procs.
     */
    void now(boolean first) {
      ProcMesh m;
      synchronized (this) {
        m = mesh;
        if (first) {
          failures = m == null ? 0 : m.failures().size();
        }
        if (spawning) {
          if (!first) {
            runner.interrupt();
          }
          return;
        }
      }
      if (m != null) {
        // on this handler's own thread, outside the lock; the run's thread waits for this stop
        m.stop(first ? SIGNAL_OUTPUT_WAIT : Duration.ZERO);
      }
    }

    /** The spawn has returned (or failed): a signal from now on no longer interrupts it. */
    synchronized void spawnEnded() {
      spawning = false;
      Thread.interrupted(); // a signal that came as the spawn returned is read from the future
    }

    /** The run's mesh, for a signal to stop; failures before a signal that came meanwhile count. */
    synchronized void running(ProcMesh m) {
      mesh = m;
    }

    synchronized int failuresBefore(ProcMesh m) {
      return failures < 0 ? m.failures().size() : failures;
    }
  }
}
