package monarch.mesh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import monarch.internal.client.ClientRuntime;
import monarch.internal.client.RankCollector;
import monarch.internal.client.RankOutcome;
import monarch.internal.protocol.AgentProtocol;
import monarch.internal.protocol.AgentProtocol.ProcInfo;
import monarch.internal.protocol.LogClientMessage;
import monarch.internal.protocol.LogForwardMessage;
import monarch.logging.LogLevel;
import monarch.logging.LoggingOptions;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seeds' LoggingMeshClient: the one LogClientActor of a ProcMesh (in this JVM) and the mesh
 * of its procs' LogForwardActors (in their host agents). {@code setMode} fans out streaming and
 * level through the host agents and the window to the client actor; {@code flush} runs the
 * versioned barrier. The mesh creates it when it starts; {@link #spawn} returns that one.
 */
public final class LoggingMeshClient {
  private static final Logger log = LoggerFactory.getLogger(LoggingMeshClient.class);
  private static final AtomicLong PROMISES = new AtomicLong();
  /** The longest setMode waits for each of its steps (the barrier, the level, the window). */
  static final Duration MODE_TIMEOUT = Duration.ofSeconds(3);
  /** How much later than its own timeout a barrier gives up on the client actor answering. */
  private static final long CLIENT_ACTOR_GRACE_MILLIS = 1_000;
  /** The longest a teardown waits for a client actor that keeps printing. */
  static final Duration DRAIN_MAX = Duration.ofSeconds(60);
  /** A user's flush gives up on silent ranks after this. */
  static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);
  /** The barrier stop runs first gives up on silent ranks after this. */
  static final Duration STOP_FLUSH_TIMEOUT = Duration.ofSeconds(3);
  /** At teardown, how long without a batch before a rank's streams are taken as ended. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(3);

  private final ProcMesh mesh;
  private final ActorRef<LogClientMessage> clientActor;
  /** Batches the client actor has taken in so far: it is moving, if slowly. */
  private final java.util.function.LongSupplier clientProgress;
  /** Index = rank; empty when log forwarding is off. */
  private final List<ActorRef<LogForwardMessage>> forwarders;

  private final AtomicBoolean warnedNoForwarding = new AtomicBoolean();

  LoggingMeshClient(ProcMesh mesh, ActorRef<LogClientMessage> clientActor, List<ProcInfo> procs,
      java.util.function.LongSupplier clientProgress) {
    this.mesh = mesh;
    this.clientProgress = clientProgress;
    this.clientActor = clientActor;
    this.forwarders = clientActor == null ? List.of() : procs.stream().map(ProcInfo::forwarder).toList();
  }

  /** The logging client of {@code mesh}: exactly one per ProcMesh. */
  public static LoggingMeshClient spawn(ProcMesh mesh) {
    return mesh.logging();
  }

  /** loggingOption: setMode, with a warning (once) when streaming cannot happen. */
  void apply(LoggingOptions options) {
    if (!forwarding() && options.streamToClient() && warnedNoForwarding.compareAndSet(false, true)) {
      log.warn("log forwarding is disabled (HYPERACTOR_MESH_ENABLE_LOG_FORWARDING=false): "
          + "loggingOption(streamToClient=true) has no effect; procs' output stays on their hosts");
    }
    setMode(options.streamToClient(), options.aggregateWindowSec(), options.level());
  }

  boolean forwarding() {
    return clientActor != null;
  }

  /**
   * Streaming on/off, aggregation window (null: none) and the procs' level, as set_mode. The
   * switch is exact: a barrier (which prints nothing) before it and one after it, so every line
   * written before this call is handled under the old mode and every line written after it
   * returns under the new one. Each step waits at most {@link #MODE_TIMEOUT}: a busy or hung proc
   * gets the level when it next reads its channel, and is named in a warning meanwhile.
   */
  public void setMode(boolean streamToClient, Integer aggregateWindowSec, int level) {
    LoggingOptions options = new LoggingOptions(streamToClient, aggregateWindowSec, LogLevel.check(level));
    mesh.ensureRunning();
    quietBarrier(); // what was written before this call goes under the old mode
    RankCollector levels = mesh.collect(id -> new AgentProtocol.SetLogging(
        id, mesh.meshId(), forwarding() ? options.streamToClient() : null, options.level()));
    RankOutcome[] outcomes = withinModeTimeout(levels.future());
    if (outcomes == null) {
      outcomes = levels.answered();
      List<Integer> silent = new ArrayList<>();
      for (int r = 0; r < outcomes.length; r++) {
        if (outcomes[r] == null) {
          silent.add(r);
        }
      }
      log.warn("log level {} not confirmed within {} ms by ranks {} (busy or hung); each applies it "
          + "when it next reads its channel", level, MODE_TIMEOUT.toMillis(), silent);
    }
    if (mesh.command().runsToCompletion()) {
      // a proc that already finished has no level left to set; that is not an error
      outcomes = java.util.Arrays.stream(outcomes).filter(o -> o != null && o.lost() == null)
          .toArray(RankOutcome[]::new);
    }
    RuntimeException failed = null;
    try {
      ActorMesh.throwFailures("setting log level " + level, outcomes);
    } catch (RuntimeException e) {
      failed = e; // a dead rank: the live ones still switch, and the window still applies
    }
    if (forwarding()) {
      applyStreamingAndWindow(options.aggregateWindowSec());
    }
    if (failed != null) {
      throw failed;
    }
  }

  private void applyStreamingAndWindow(Integer aggregateWindowSec) {
    // The forwarders switch streaming when they get to it, on the logging thread; the markers of
    // a barrier queue behind the switch, so once it completes what is written next goes under
    // the new mode.
    quietBarrier();
    CompletableFuture<LogClientMessage.Applied> applied = new CompletableFuture<>();
    clientActor.tell(new LogClientMessage.SetAggregate(aggregateWindowSec,
        promise(applied, MODE_TIMEOUT.plusMillis(CLIENT_ACTOR_GRACE_MILLIS))));
    if (withinModeTimeout(applied) == null) {
      log.warn("the client actor has not applied the aggregation window within {} ms (its output "
          + "is blocked?); it will when it gets to it", MODE_TIMEOUT.toMillis());
    }
  }

  /** What {@code f} completes with, or null if it has not within MODE_TIMEOUT. */
  private static <T> T withinModeTimeout(CompletableFuture<T> f) {
    try {
      return f.get(MODE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while setting the log mode", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    }
  }

  /** A barrier that prints nothing, at most MODE_TIMEOUT; a dead or silent rank does not stop setMode. */
  private void quietBarrier() {
    try {
      barrier(MODE_TIMEOUT, false).join();
    } catch (CompletionException e) {
      // switch anyway; that rank's late lines follow the new mode
    }
  }

  public void flush() {
    mesh.ensureRunning();
    try {
      flushAsync(FLUSH_TIMEOUT).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  /**
   * The barrier: completes when every live rank's output written before this call has been
   * printed, or fails with {@link FlushIncompleteException} naming dead or silent ranks after
   * {@code timeout}. A no-op when log forwarding is off. The client actor enforces the timeout;
   * a client actor that is gone (the mesh stopped meanwhile) or stuck (its stdout blocked) is
   * caught here, a little later, so the caller is never held past it.
   */
  CompletableFuture<Void> flushAsync(Duration timeout) {
    return barrier(timeout, true).whenComplete((ok, err) -> {
      if (err != null && err.getCause() instanceof FlushIncompleteException f) {
        mesh.events().deliver(new MeshEvent.FlushIncomplete(f, false));
      }
    });
  }

  /** Before the procs stop: a bounded barrier; what it missed is an event, never thrown. */
  void flushBeforeStop() {
    try {
      barrier(STOP_FLUSH_TIMEOUT, true).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof FlushIncompleteException f) {
        mesh.events().deliver(new MeshEvent.FlushIncomplete(f, true));
      } else {
        log.debug("flush before stop", e);
      }
    }
  }

  private CompletableFuture<Void> barrier(Duration timeout, boolean print) {
    if (!forwarding()) {
      return CompletableFuture.completedFuture(null);
    }
    List<Integer> dead = mesh.failures().stream().map(ProcFailure::rank).distinct().toList();
    List<Integer> expected = new ArrayList<>();
    for (int r = 0; r < forwarders.size(); r++) {
      if (!dead.contains(r)) {
        expected.add(r);
      }
    }
    CompletableFuture<LogClientMessage.FlushStarted> started = new CompletableFuture<>();
    CompletableFuture<LogClientMessage.FlushDone> done = new CompletableFuture<>();
    Duration lifetime = timeout.plusMillis(CLIENT_ACTOR_GRACE_MILLIS);
    clientActor.tell(new LogClientMessage.StartSyncFlush(
        expected, timeout.toMillis(), print, promise(started, lifetime), promise(done, lifetime)));
    started.thenAccept(s -> {
      for (int r : expected) {
        forwarders.get(r).tell(new LogForwardMessage.ForceSyncFlush(s.version()));
      }
    });
    return done.orTimeout(timeout.toMillis() + CLIENT_ACTOR_GRACE_MILLIS, TimeUnit.MILLISECONDS)
        .handle((d, err) -> {
          if (err != null) { // no answer at all: none of them is known to be done
            List<Integer> all = new ArrayList<>(dead);
            all.addAll(expected);
            throw FlushIncompleteException.clientBehind(all, timeout.toMillis());
          }
          java.util.Set<Integer> gone = new java.util.TreeSet<>(dead);
          gone.addAll(d.deadRanks());
          java.util.Set<Integer> silent = new java.util.TreeSet<>(d.missingRanks());
          silent.removeAll(gone);
          if (!gone.isEmpty() || !silent.isEmpty()) {
            throw FlushIncompleteException.ranksMissing(List.copyOf(gone), List.copyOf(silent),
                timeout.toMillis());
          }
          return null;
        });
  }

  /** Teardown: waits for every rank's last lines (bounded), prints what is aggregated, stops. */
  void drainAndStop(Duration timeout) {
    if (!forwarding()) {
      return;
    }
    List<Integer> ranks = new ArrayList<>();
    for (int r = 0; r < forwarders.size(); r++) {
      ranks.add(r);
    }
    CompletableFuture<LogClientMessage.FlushDone> done = new CompletableFuture<>();
    clientActor.tell(new LogClientMessage.Drain(ranks, timeout.toMillis(),
        promise(done, DRAIN_MAX.plus(timeout).plusMillis(CLIENT_ACTOR_GRACE_MILLIS))));
    // A slow reader of the client's output (a pipe into a slow consumer) only makes this wait:
    // the client actor answers once the streams have ended or no batch came for a whole
    // timeout, and this waits as long as it keeps taking batches in, up to DRAIN_MAX. A client
    // stuck on a blocked stdout takes none, and is given up on after one timeout.
    long deadline = System.nanoTime() + DRAIN_MAX.toNanos();
    long seen = clientProgress.getAsLong();
    while (true) {
      try {
        done.get(timeout.toMillis() + CLIENT_ACTOR_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        break;
      } catch (TimeoutException e) {
        long now = clientProgress.getAsLong();
        if (now == seen || System.nanoTime() > deadline) {
          break; // stuck, or a stream that never ends
        }
        seen = now;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException e) {
        break; // the client actor is gone: nothing more to print
      }
    }
    clientActor.tell(new LogClientMessage.Shutdown());
  }

  /**
   * A one-shot actor that completes {@code f} with the first message it gets, and stops then or
   * after {@code lifetime} without one (its caller has given up by then), so an answer that never
   * comes (a client actor stopped meanwhile) leaves nothing behind.
   */
  @SuppressWarnings("unchecked")
  static <T> ActorRef<T> promise(CompletableFuture<T> f, Duration lifetime) {
    return ClientRuntime.system().<Object>systemActorOf(Behaviors.setup(ctx -> {
      ctx.setReceiveTimeout(lifetime, Expired.EXPIRED);
      return Behaviors.receiveMessage(m -> {
        if (m != Expired.EXPIRED) {
          f.complete((T) m);
        }
        return Behaviors.stopped();
      });
    }), "promise-" + PROMISES.incrementAndGet(), Props.empty()).narrow();
  }

  /** What a promise gets when its lifetime ends; it never crosses the wire. */
  private enum Expired { EXPIRED }
}
