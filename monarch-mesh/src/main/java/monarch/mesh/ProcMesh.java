package monarch.mesh;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongFunction;
import monarch.actor.Actor;
import monarch.internal.channel.ValueCodec;
import monarch.internal.client.OutputLedger;
import monarch.internal.client.RankCollector;
import monarch.internal.client.RankOutcome;
import monarch.internal.proc.Constructors;
import monarch.internal.proc.EndpointTable;
import monarch.internal.protocol.AgentProtocol;
import monarch.internal.protocol.AgentProtocol.Command;
import monarch.internal.protocol.AgentProtocol.ProcExit;
import monarch.internal.protocol.AgentProtocol.ProcInfo;
import monarch.internal.protocol.LogClientMessage;
import monarch.logging.LoggingOptions;
import monarch.mesh.MeshEvent.ProcExited;
import monarch.mesh.MeshEvent.ProcFailed;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A set of running procs, ranks 0..size-1, launched by a {@link HostMesh}. Spawns actors on every
 * proc and stops them all. Owns what is known of its procs' ends: each rank's exit status, the
 * failures in the order the client learned of them, the {@link #outcome()} decided from those, and
 * the {@link MeshEvent}s it tells its listener. It never prints: reporting is the listener's.
 * Requests that involve a dead proc fail instead of waiting.
 */
public final class ProcMesh implements AutoCloseable {
  private final HostMesh host;
  private final String meshId;
  private final List<ProcInfo> procs;
  private final ProcCommand command;
  private final Set<String> actorNames = ConcurrentHashMap.newKeySet();
  private final LoggingMeshClient logging;
  private final EventDelivery events;

  /** Requests in flight, by id, so that stop can fail them; at most one per call in progress. */
  private final Set<Long> pending = ConcurrentHashMap.newKeySet();

  /** Ranks whose host agent is gone, with what they are reported as. */
  private final Map<Integer, ProcExit> lostRanks = new ConcurrentHashMap<>();

  // What is known of the procs' ends; guarded by this.
  /** Exit status by rank of procs that ended by themselves (null: running, or stopped). */
  private final Integer[] exitStatuses;

  private int running;
  private final List<ProcFailure> failures = new CopyOnWriteArrayList<>();
  private final CompletableFuture<MeshOutcome> outcome = new CompletableFuture<>();
  private boolean outcomeDecided;
  private final CompletableFuture<List<Integer>> allExited = new CompletableFuture<>();

  /** Set once by the first stop(); the others wait for it. */
  private CompletableFuture<Void> stopped;

  ProcMesh(
      HostMesh host,
      String meshId,
      List<ProcInfo> procs,
      ActorRef<LogClientMessage> logClient,
      OutputLedger ledger,
      ProcCommand command,
      EventDelivery events) {
    this.host = host;
    this.meshId = meshId;
    this.procs = procs;
    this.command = command;
    this.events = events;
    this.exitStatuses = new Integer[procs.size()];
    this.running = procs.size();
    this.logging = new LoggingMeshClient(this, logClient, ledger);
    ledger.failure().thenAccept(target -> events.deliver(new MeshEvent.OutputFailed(target)));
  }

  HostMesh host() {
    return host;
  }

  LoggingMeshClient logging() {
    return logging;
  }

  /**
   * Streams the procs' output to this client or not, aggregates it over a window of {@code
   * aggregateWindowSec} seconds (null: every line as it comes) and sets the procs' log level
   * (Python's numbers: 10 DEBUG .. 50 FATAL). Returns once the procs have the new level, or after
   * at most 3 s with a warning naming the ranks that have not confirmed it yet.
   */
  public void loggingOption(boolean streamToClient, Integer aggregateWindowSec, int level) {
    loggingOption(new LoggingOptions(streamToClient, aggregateWindowSec, level));
  }

  /** As {@link #loggingOption(boolean, Integer, int)}; {@code options} may not be null. */
  public void loggingOption(LoggingOptions options) {
    if (options == null) {
      throw new IllegalArgumentException("loggingOption needs options, got null");
    }
    ensureRunning();
    logging.apply(options);
  }

  /**
   * The barrier: returns once everything every proc wrote to stdout/stderr before this call has
   * been printed by this client. A dead or silent proc cannot hold it past its timeout (10 s): it
   * then throws {@link FlushIncompleteException} naming those ranks.
   */
  public void flush() {
    try {
      flushAsync().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  public CompletableFuture<Void> flushAsync() {
    ensureRunning();
    return logging.flushAsync(LoggingMeshClient.FLUSH_TIMEOUT);
  }

  /** The number of procs (ranks 0..size-1). */
  public int size() {
    return procs.size();
  }

  /** The pid of each rank's proc, index = rank. */
  public List<Long> pids() {
    return procs.stream().map(ProcInfo::pid).toList();
  }

  /** Procs that exited without being asked to, in the order the client learned of it. */
  public List<ProcFailure> failures() {
    return List.copyOf(failures);
  }

  /**
   * Constructs {@code actorClass} with {@code args} on every proc and returns when all ranks have
   * it. The class needs a public constructor that accepts the arguments.
   */
  public <A extends Actor> ActorMesh<A> spawn(String name, Class<A> actorClass, Object... args) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("an actor needs a non-blank name");
    }
    if (actorClass == null) {
      throw new IllegalArgumentException("actorClass is null");
    }
    EndpointTable.of(actorClass);
    Object[] ctorArgs = args == null ? new Object[] {null} : args;
    Constructors.check(actorClass, ctorArgs);
    byte[] encoded = ValueCodec.encodeArgs(ctorArgs);
    ensureRunning();
    if (!actorNames.add(name)) {
      throw new IllegalArgumentException("this mesh already has an actor named '" + name + "'");
    }
    String what = "spawn of " + actorClass.getSimpleName() + " as '" + name + "'";
    RankOutcome[] outcomes =
        await(
            request(
                id ->
                    new AgentProtocol.SpawnActor(id, meshId, name, actorClass.getName(), encoded)));
    ActorMesh.throwFailures(what, outcomes);
    return new ActorMesh<>(this, name, actorClass);
  }

  /** As {@link #spawn(String, Class, Object...)}, naming the class; an unknown name is an error. */
  public ActorMesh<? extends Actor> spawn(String name, String className, Object... args) {
    Class<?> cls;
    try {
      cls = Class.forName(className, false, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException | NoClassDefFoundError e) {
      throw new IllegalArgumentException(
          "unknown actor class '" + className + "': it is not on the class path", e);
    }
    if (!Actor.class.isAssignableFrom(cls)) {
      throw new IllegalArgumentException(
          cls.getName() + " is not an actor: it must extend " + Actor.class.getName());
    }
    return spawn(name, cls.asSubclass(Actor.class), args);
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  /** Sends a command built around a fresh request id to every agent; one outcome per rank. */
  CompletableFuture<RankOutcome[]> request(LongFunction<Command> command) {
    return collect(command).future();
  }

  /** As {@link #request}, with the collector itself, for a caller that waits a bounded time. */
  RankCollector collect(LongFunction<Command> command) {
    RankCollector collector = new RankCollector(size());
    long id = host.requests().open(collector);
    pending.add(id);
    collector.future().whenComplete((r, e) -> pending.remove(id));
    for (ActorRef<Command> agent : host.liveAgents()) {
      agent.tell(command.apply(id));
    }
    for (ProcExit gone : lostRanks.values()) {
      host.requests().dispatch(new AgentProtocol.RankLost(id, gone)); // nobody else will answer
    }
    return collector;
  }

  /** Sends a command nobody waits for (a broadcast). */
  void send(LongFunction<Command> command) {
    long id = host.requests().nextId();
    for (ActorRef<Command> agent : host.liveAgents()) {
      agent.tell(command.apply(id));
    }
  }

  String meshId() {
    return meshId;
  }

  /** What each proc runs. */
  public ProcCommand command() {
    return command;
  }

  EventDelivery events() {
    return events;
  }

  void ensureRunning() {
    if (isStopping()) {
      throw new IllegalStateException("proc mesh " + meshId + " is stopped");
    }
    host.ensureOpen();
  }

  private synchronized boolean isStopping() {
    return stopped != null;
  }

  /**
   * A proc ended without being asked to. Called in the order the client learns of it (on the
   * client's receiver, under its lock), one rank once: tells the listener, and decides the outcome
   * from what is known now. The futures complete on another thread, so that what a caller chains on
   * them (a stop) never runs on the receiver, which that stop needs.
   */
  /**
   * What a proc whose host agent is gone exits with, as ssh does when its connection is lost: its
   * real status is unknown here.
   */
  static final int AGENT_LOST_STATUS = 255;

  /**
   * Host {@code h} of {@code hosts} is gone with its agent: its ranks are failed (status {@link
   * #AGENT_LOST_STATUS}), and each pending request gets them as lost ranks.
   */
  void hostLost(int h, int hosts, String where) {
    int perHost = size() / hosts;
    for (int rank = h * perHost; rank < (h + 1) * perHost; rank++) {
      ProcInfo p = procs.get(rank);
      ProcExit exit =
          new ProcExit(
              rank,
              p.pid(),
              p.hostname(),
              AGENT_LOST_STATUS,
              List.of("(its host agent at " + where + " is gone: killed, or cut off from here)"));
      lostRanks.put(rank, exit);
      for (long id : List.copyOf(pending)) {
        host.requests().dispatch(new AgentProtocol.RankLost(id, exit));
      }
      procEnded(exit, true);
    }
  }

  synchronized void procEnded(ProcExit exit, boolean failure) {
    int rank = exit.rank();
    if (rank < 0 || rank >= exitStatuses.length || exitStatuses[rank] != null) {
      return;
    }
    exitStatuses[rank] = exit.exitStatus();
    running--;
    if (failure) {
      ProcFailure f = toFailure(exit);
      failures.add(f);
      events.deliver(new ProcFailed(f));
    } else {
      events.deliver(new ProcExited(rank, exit.pid(), exit.hostname(), exit.exitStatus()));
    }
    MeshOutcome decided = null;
    if (!outcomeDecided && (failure || running == 0)) { // fail fast, or all have ended
      outcomeDecided = true;
      decided =
          new MeshOutcome(Arrays.asList(exitStatuses), failures.isEmpty() ? null : failures.get(0));
    }
    List<Integer> all = running == 0 ? List.of(exitStatuses) : null;
    if (decided != null || all != null) {
      MeshOutcome o = decided;
      CompletableFuture.runAsync(
          () -> {
            if (o != null) {
              outcome.complete(o);
            }
            if (all != null) {
              allExited.complete(all);
            }
          });
    }
  }

  /**
   * Completes when every proc has exited by itself (a main class returned, an executable ended),
   * with each rank's exit status, index = rank. Fails if the mesh is stopped first.
   */
  public CompletableFuture<List<Integer>> exitStatuses() {
    return allExited;
  }

  /**
   * Completes at the first failure (fail-fast, as mpirun), or once every proc has ended by itself,
   * whichever comes first, with every exit status known then and that first failure. One value
   * decides a launcher's exit status, so it never depends on which of two events was noticed first.
   * Fails if the mesh is stopped before either.
   */
  public CompletableFuture<MeshOutcome> outcome() {
    return outcome;
  }

  static ProcFailure toFailure(ProcExit exit) {
    return new ProcFailure(
        exit.rank(), exit.pid(), exit.hostname(), exit.exitStatus(), exit.lastLines());
  }

  /**
   * Flushes (at most 3 s), then stops every proc: gracefully, then by force within about 5 s, with
   * every process each of them started; then prints their last lines and what is still aggregated,
   * waiting as long as this client's own stdout and stderr take to take them (a reader that pauses,
   * a slow pipe: nothing is lost), and returns once the listener has heard every event. Calls still
   * pending fail with an IllegalStateException. Idempotent; a second caller waits for the first
   * one's stop.
   */
  public void stop() {
    stopWaitingAtMost(null);
  }

  /**
   * As {@link #stop()}, but waits at most {@code outputTimeout} for this client's own output to
   * take the procs' last lines; those it could not write are counted in {@link
   * #undeliveredLines()}. Called while another stop waits for the output (a Ctrl-C during a stop),
   * it shortens that wait and returns once the mesh is stopped.
   */
  public void stop(Duration outputTimeout) {
    if (outputTimeout == null) {
      throw new IllegalArgumentException("stop needs an output timeout, got null");
    }
    stopWaitingAtMost(outputTimeout);
  }

  /**
   * Lines the procs wrote that this client took in but could not write to its stdout or stderr: 0
   * after a stop() unless that output failed ({@link MeshEvent.OutputFailed}); after a {@link
   * #stop(Duration)} that gave up, at least the lines it gave up on.
   */
  public long undeliveredLines() {
    return logging.undeliveredLines();
  }

  private void stopWaitingAtMost(Duration outputTimeout) {
    if (outputTimeout != null) {
      logging.giveUpOutputAfter(outputTimeout);
    }
    CompletableFuture<Void> mine;
    synchronized (this) {
      if (stopped != null) {
        mine = null;
      } else {
        stopped = new CompletableFuture<>();
        mine = stopped;
      }
    }
    if (mine == null) {
      stopped.join();
      return;
    }
    try {
      logging.flushBeforeStop();
      IllegalStateException gone =
          new IllegalStateException(
              "proc mesh " + meshId + " was stopped while this call was pending");
      for (Long id : List.copyOf(pending)) {
        host.requests().cancel(id, gone);
      }
      host.stopOnAgents(meshId);
      logging.drainAndStop();
      allExited.completeExceptionally(
          new IllegalStateException("proc mesh " + meshId + " was stopped"));
      outcome.completeExceptionally(
          new IllegalStateException("proc mesh " + meshId + " was stopped"));
      if (!events.onDeliveryThread()) { // (a listener that stops its mesh cannot wait for itself)
        events.drained().join();
      }
    } finally {
      mine.complete(null);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
