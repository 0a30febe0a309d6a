package monarch.mesh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import monarch.internal.client.OutputLedger;
import monarch.internal.client.RankCollector;
import monarch.internal.client.RankOutcome;
import monarch.internal.protocol.AgentProtocol;
import monarch.internal.protocol.LogClientMessage;
import monarch.internal.protocol.LogClientMessage.Drained;
import monarch.internal.protocol.LogClientMessage.FlushDone;
import monarch.internal.protocol.LogClientMessage.ModeSet;
import monarch.logging.LogLevel;
import monarch.logging.LoggingOptions;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seeds' LoggingMeshClient: the one LogClientActor of a ProcMesh, in this JVM, which owns the
 * mesh's forwarders. {@code setMode} asks it for the exact streaming switch and window, then sends
 * the level to the procs through their host agents; {@code flush} asks it for a barrier. Every
 * request is one ask, answered once. The mesh creates it when it starts; {@link #spawn} returns
 * that one.
 */
public final class LoggingMeshClient {
  private static final Logger log = LoggerFactory.getLogger(LoggingMeshClient.class);

  /** The longest each of setMode's steps waits (a barrier, the level). */
  static final Duration MODE_TIMEOUT = Duration.ofSeconds(3);

  /** A user's flush gives up on silent ranks after this. */
  static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);

  /** The barrier stop runs first gives up on silent ranks after this. */
  static final Duration STOP_FLUSH_TIMEOUT = Duration.ofSeconds(3);

  /** At teardown, how long without a batch before a rank's streams are taken as ended. */
  static final Duration DRAIN_IDLE = Duration.ofSeconds(3);

  /** How much later than its own timeout a request gives up on the client actor answering. */
  private static final Duration CLIENT_ACTOR_GRACE = Duration.ofSeconds(1);

  /**
   * An ask that only the actor's own pace bounds (a drain behind a slow reader) needs some timeout.
   */
  private static final Duration NO_TIMEOUT = Duration.ofDays(30);

  private final ProcMesh mesh;

  /** Null when log forwarding is off. */
  private final ActorRef<LogClientMessage> clientActor;

  private final OutputLedger ledger;

  /** Completes when teardown should stop waiting for this client's own output. */
  private final CompletableFuture<Void> giveUpOutput = new CompletableFuture<>();

  /** How long the drain may wait for the output once it begins (null: as long as it takes). */
  private Duration outputWait;

  private boolean draining;
  private final AtomicBoolean warnedNoForwarding = new AtomicBoolean();

  LoggingMeshClient(ProcMesh mesh, ActorRef<LogClientMessage> clientActor, OutputLedger ledger) {
    this.mesh = mesh;
    this.clientActor = clientActor;
    this.ledger = ledger;
  }

  /** The logging client of {@code mesh}: exactly one per ProcMesh. */
  public static LoggingMeshClient spawn(ProcMesh mesh) {
    return mesh.logging();
  }

  boolean forwarding() {
    return clientActor != null;
  }

  /** loggingOption: setMode, with a warning (once) when streaming cannot happen. */
  void apply(LoggingOptions options) {
    if (!forwarding()
        && options.streamToClient()
        && warnedNoForwarding.compareAndSet(false, true)) {
      log.warn(
          "log forwarding is disabled (HYPERACTOR_MESH_ENABLE_LOG_FORWARDING=false): "
              + "loggingOption(streamToClient=true) has no effect; procs' output stays on their hosts");
    }
    setMode(options);
  }

  /**
   * Streaming on/off, aggregation window (null: none) and the procs' level, as set_mode. The switch
   * is exact: every line written before this call is handled under the old mode and every line
   * written after it returns under the new one. Each step waits at most {@link #MODE_TIMEOUT}: a
   * busy or hung proc gets the level when it next reads its channel, and is named in a warning
   * meanwhile; a dead rank fails the call once the live ones have switched.
   */
  public void setMode(boolean streamToClient, Integer aggregateWindowSec, int level) {
    setMode(new LoggingOptions(streamToClient, aggregateWindowSec, LogLevel.check(level)));
  }

  private void setMode(LoggingOptions options) {
    int level = options.level();
    mesh.ensureRunning();
    if (forwarding()) {
      Duration bound = MODE_TIMEOUT.multipliedBy(2).plus(CLIENT_ACTOR_GRACE);
      ModeSet set =
          await(
              ask(
                  replyTo ->
                      new LogClientMessage.SetMode(
                          options.streamToClient(),
                          options.aggregateWindowSec(),
                          options.similarity(),
                          liveRanks(),
                          MODE_TIMEOUT.toMillis(),
                          replyTo),
                  bound),
              bound);
      if (set == null) {
        log.warn(
            "the client has not applied the logging mode within {} ms (is its output blocked?); "
                + "it will when it gets to it",
            bound.toMillis());
      } else if (!set.silentRanks().isEmpty()) {
        log.warn(
            "ranks {} did not confirm the switch of streaming within {} ms (busy or hung); their "
                + "lines written meanwhile may follow the old mode",
            set.silentRanks(),
            MODE_TIMEOUT.toMillis());
      }
    }
    RankCollector levels =
        mesh.collect(id -> new AgentProtocol.SetLevel(id, mesh.meshId(), options.level()));
    RankOutcome[] outcomes = await(levels.future(), MODE_TIMEOUT);
    if (outcomes == null) {
      outcomes = levels.answered();
      List<Integer> silent = new ArrayList<>();
      for (int r = 0; r < outcomes.length; r++) {
        if (outcomes[r] == null) {
          silent.add(r);
        }
      }
      log.warn(
          "log level {} not confirmed within {} ms by ranks {} (busy or hung); each applies it "
              + "when it next reads its channel",
          level,
          MODE_TIMEOUT.toMillis(),
          silent);
    }
    if (mesh.command().spec().runsToCompletion()) {
      // a proc that already finished has no level left to set; that is not an error
      outcomes =
          Arrays.stream(outcomes)
              .filter(o -> o != null && o.lost() == null)
              .toArray(RankOutcome[]::new);
    }
    ActorMesh.throwFailures("setting log level " + level, outcomes);
  }

  /**
   * What {@code f} completes with, or null if it has not within {@code timeout} (or timed out
   * itself).
   */
  private static <T> T await(CompletableFuture<T> f, Duration timeout) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while setting the log mode", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException) {
        return null;
      }
      throw e.getCause() instanceof RuntimeException re
          ? re
          : new IllegalStateException(e.getCause());
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
   * The barrier: completes when every live rank's output written before this call has been printed,
   * or fails with {@link FlushIncompleteException} naming dead or silent ranks after {@code
   * timeout}, which is also heard as a {@link MeshEvent.FlushIncomplete}. A no-op when log
   * forwarding is off. A client actor that does not answer (its stdout blocked, or the mesh stopped
   * meanwhile) is caught a little later, so the caller is never held past that.
   */
  CompletableFuture<Void> flushAsync(Duration timeout) {
    return barrier(timeout)
        .whenComplete(
            (ok, err) -> {
              if (err != null && err.getCause() instanceof FlushIncompleteException f) {
                mesh.events().deliver(new MeshEvent.FlushIncomplete(f, false));
              }
            });
  }

  /** Before the procs stop: a bounded barrier; what it missed is an event, never thrown. */
  void flushBeforeStop() {
    try {
      barrier(STOP_FLUSH_TIMEOUT).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof FlushIncompleteException f) {
        mesh.events().deliver(new MeshEvent.FlushIncomplete(f, true));
      } else {
        log.debug("flush before stop", e);
      }
    }
  }

  private CompletableFuture<Void> barrier(Duration timeout) {
    if (!forwarding()) {
      return CompletableFuture.completedFuture(null);
    }
    List<Integer> dead = deadRanks();
    List<Integer> expected = liveRanks();
    return ask(
            (ActorRef<FlushDone> replyTo) ->
                new LogClientMessage.Flush(expected, timeout.toMillis(), true, replyTo),
            timeout.plus(CLIENT_ACTOR_GRACE))
        .handle(
            (d, err) -> {
              if (err != null) { // no answer at all: none of them is known to be done
                List<Integer> all = new ArrayList<>(dead);
                all.addAll(expected);
                throw FlushIncompleteException.clientBehind(all, timeout.toMillis());
              }
              Set<Integer> gone = new TreeSet<>(dead);
              gone.addAll(d.deadRanks());
              Set<Integer> silent = new TreeSet<>(d.missingRanks());
              silent.removeAll(gone);
              if (!gone.isEmpty() || !silent.isEmpty()) {
                throw FlushIncompleteException.ranksMissing(
                    List.copyOf(gone), List.copyOf(silent), timeout.toMillis());
              }
              return null;
            });
  }

  private List<Integer> deadRanks() {
    return mesh.failures().stream().map(ProcFailure::rank).distinct().sorted().toList();
  }

  private List<Integer> liveRanks() {
    List<Integer> dead = deadRanks();
    List<Integer> live = new ArrayList<>();
    for (int r = 0; r < mesh.size(); r++) {
      if (!dead.contains(r)) {
        live.add(r);
      }
    }
    return live;
  }

  /**
   * Stops waiting for this client's output {@code wait} after the teardown's drain begins (or from
   * now, if it has); the soonest of several wins.
   */
  synchronized void giveUpOutputAfter(Duration wait) {
    if (draining) {
      giveUpIn(wait);
    } else if (outputWait == null || wait.compareTo(outputWait) < 0) {
      outputWait = wait;
    }
  }

  private void giveUpIn(Duration wait) {
    if (wait.isZero() || wait.isNegative()) {
      giveUpOutput.complete(null);
    } else {
      CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS)
          .execute(() -> giveUpOutput.complete(null));
    }
  }

  /**
   * Teardown: waits until every rank's last lines are written (a rank whose streams stay open is
   * given up after {@link #DRAIN_IDLE} without a batch), however long this client's own output
   * takes to take them, unless {@link #giveUpOutputAfter} says otherwise; prints what is still
   * aggregated; stops the client actor.
   */
  void drainAndStop() {
    if (!forwarding()) {
      return;
    }
    synchronized (this) {
      draining = true;
      if (outputWait != null) {
        giveUpIn(outputWait);
      }
    }
    List<Integer> ranks = new ArrayList<>();
    for (int r = 0; r < mesh.size(); r++) {
      ranks.add(r);
    }
    CompletableFuture<Drained> drained =
        ask(
            (ActorRef<Drained> replyTo) ->
                new LogClientMessage.Drain(ranks, DRAIN_IDLE.toMillis(), replyTo),
            NO_TIMEOUT);
    CompletableFuture.anyOf(drained, giveUpOutput).handle((x, e) -> null).join();
    clientActor.tell(new LogClientMessage.Shutdown());
  }

  /** Lines the client took in but could not write (see {@link OutputLedger#undelivered()}). */
  long undeliveredLines() {
    return ledger.undelivered();
  }

  private <T> CompletableFuture<T> ask(
      org.apache.pekko.japi.function.Function<ActorRef<T>, LogClientMessage> request,
      Duration timeout) {
    return AskPattern.ask(clientActor, request, timeout, mesh.host().system().scheduler())
        .toCompletableFuture();
  }
}
