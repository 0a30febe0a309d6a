package monarch.mesh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import monarch.internal.client.ClientRuntime;
import monarch.internal.client.RankOutcome;
import monarch.internal.host.AgentProtocol;
import monarch.internal.logging.LogClientMessage;
import monarch.internal.logging.LogForwardMessage;
import monarch.logging.LogLevel;
import monarch.logging.LoggingOptions;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The seeds' LoggingMeshClient: the one LogClientActor of a ProcMesh (in this JVM) and the mesh
 * of its procs' LogForwardActors (in their host agents). {@code setMode} fans out streaming and
 * level through the host agents and the window to the client actor; {@code flush} runs the
 * versioned barrier. The mesh creates it when it starts; {@link #spawn} returns that one.
 */
public final class LoggingMeshClient {
  private static final AtomicLong PROMISES = new AtomicLong();

  private final ProcMesh mesh;
  private final ActorRef<LogClientMessage> clientActor;
  /** Index = rank; empty when log forwarding is off. */
  private final List<ActorRef<LogForwardMessage>> forwarders;

  LoggingMeshClient(ProcMesh mesh, ActorRef<LogClientMessage> clientActor,
      List<ActorRef<LogForwardMessage>> forwarders) {
    this.mesh = mesh;
    this.clientActor = clientActor;
    this.forwarders = List.copyOf(forwarders);
  }

  /** The logging client of {@code mesh}: exactly one per ProcMesh. */
  public static LoggingMeshClient spawn(ProcMesh mesh) {
    return mesh.logging().client();
  }

  boolean forwarding() {
    return clientActor != null;
  }

  /**
   * Streaming on/off, aggregation window (null: none) and the procs' level, as set_mode. The
   * switch is exact: a barrier (which prints nothing) first, so every line written before this
   * call is handled under the old mode and every line written after it under the new one.
   */
  public void setMode(boolean streamToClient, Integer aggregateWindowSec, int level) {
    LoggingOptions options = new LoggingOptions(streamToClient, aggregateWindowSec, LogLevel.check(level));
    mesh.ensureRunning();
    if (forwarding()) {
      try {
        barrier(LoggingManager.STOP_FLUSH_TIMEOUT, false).join();
      } catch (CompletionException e) {
        // a dead or silent rank: switch anyway; its late lines follow the new mode
      }
    }
    RankOutcome[] outcomes = mesh.request(id -> new AgentProtocol.SetLogging(
        id, mesh.meshId(), forwarding() ? options.streamToClient() : null, options.level())).join();
    if (mesh.command().runsToCompletion()) {
      // a proc that already finished has no level left to set; that is not an error
      outcomes = java.util.Arrays.stream(outcomes).filter(o -> o != null && o.lost() == null)
          .toArray(RankOutcome[]::new);
    }
    ActorMesh.throwFailures("setting log level " + level, outcomes);
    if (forwarding()) {
      CompletableFuture<LogClientMessage.Applied> applied = new CompletableFuture<>();
      clientActor.tell(new LogClientMessage.SetAggregate(options.aggregateWindowSec(), promise(applied)));
      applied.join();
    }
  }

  /** Sends the level to every proc without waiting (see LoggingManager.init). */
  void sendLevel(int level) {
    mesh.send(id -> new AgentProtocol.SetLogging(id, mesh.meshId(), null, LogLevel.check(level)));
  }

  public void flush() {
    try {
      flushAsync(LoggingManager.FLUSH_TIMEOUT).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  /**
   * The barrier: completes when every live rank's output written before this call has been
   * printed, or fails with {@link FlushIncompleteException} naming dead or silent ranks after
   * {@code timeout}. A no-op when log forwarding is off.
   */
  CompletableFuture<Void> flushAsync(Duration timeout) {
    return barrier(timeout, true);
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
    clientActor.tell(new LogClientMessage.StartSyncFlush(
        expected, timeout.toMillis(), print, promise(started), promise(done)));
    started.thenAccept(s -> {
      for (int r : expected) {
        forwarders.get(r).tell(new LogForwardMessage.ForceSyncFlush(s.version()));
      }
    });
    return done.thenApply(d -> {
      java.util.Set<Integer> missing = new java.util.TreeSet<>(d.missingRanks());
      missing.addAll(d.deadRanks());
      missing.addAll(dead);
      if (!missing.isEmpty()) {
        throw new FlushIncompleteException(List.copyOf(missing), timeout.toMillis());
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
    clientActor.tell(new LogClientMessage.Drain(ranks, timeout.toMillis(), promise(done)));
    try {
      done.get(timeout.toMillis() + 1_000, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // the client actor is gone or stuck: nothing more to print
    }
    clientActor.tell(new LogClientMessage.Shutdown());
  }

  /** A one-shot actor that completes {@code f} with the first message it gets. */
  private static <T> ActorRef<T> promise(CompletableFuture<T> f) {
    return ClientRuntime.system().systemActorOf(Behaviors.<T>receiveMessage(m -> {
      f.complete(m);
      return Behaviors.stopped();
    }), "promise-" + PROMISES.incrementAndGet(), Props.empty());
  }
}
