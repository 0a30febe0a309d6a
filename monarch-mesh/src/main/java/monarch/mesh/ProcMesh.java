package monarch.mesh;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongFunction;
import monarch.actor.Actor;
import monarch.internal.channel.ValueCodec;
import monarch.internal.client.ClientRuntime;
import monarch.internal.client.RankCollector;
import monarch.internal.client.RankOutcome;
import monarch.internal.protocol.AgentProtocol;
import monarch.internal.protocol.AgentProtocol.Command;
import monarch.internal.protocol.AgentProtocol.ProcExit;
import monarch.internal.protocol.AgentProtocol.ProcInfo;
import monarch.internal.protocol.LogClientMessage;
import monarch.internal.protocol.LogForwardMessage;
import monarch.logging.LoggingOptions;
import monarch.internal.proc.Constructors;
import monarch.internal.proc.EndpointTable;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of running procs, ranks 0..size-1, launched by a {@link HostMesh}. Spawns actors on every
 * proc and stops them all. A proc that dies is reported (rank, exit status) and listed in
 * {@link #failures()}; requests that involve it fail instead of waiting.
 */
public final class ProcMesh implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProcMesh.class);
  /** 128 + SIGINT: how a proc killed by Ctrl-C exits. */
  static final int INTERRUPTED_STATUS = 130;
  /** How long an interrupted proc's report waits to see whether its client is exiting too. */
  static final long CTRL_C_GRACE_MILLIS = 300;

  private final HostMesh host;
  private final String meshId;
  private final List<ProcInfo> procs;
  private final Set<String> actorNames = ConcurrentHashMap.newKeySet();
  private final List<ProcFailure> failures = new CopyOnWriteArrayList<>();
  private final LoggingManager logging;
  private final ProcCommand command;
  /** Exit status by rank of procs that ended by themselves; completes when all have. */
  private final Integer[] exitStatuses;
  private int running;
  private final CompletableFuture<List<Integer>> allExited = new CompletableFuture<>();
  private final CompletableFuture<ProcFailure> firstFailure = new CompletableFuture<>();
  private volatile boolean stopped;

  ProcMesh(HostMesh host, String meshId, List<ProcInfo> procs, ActorRef<LogClientMessage> logClient,
      java.util.function.LongSupplier logProgress, ProcCommand command) {
    this.host = host;
    this.meshId = meshId;
    this.procs = procs;
    this.command = command;
    this.exitStatuses = new Integer[procs.size()];
    this.running = procs.size();
    List<ActorRef<LogForwardMessage>> forwarders = logClient == null
        ? List.of() : procs.stream().map(ProcInfo::forwarder).toList();
    this.logging = new LoggingManager(new LoggingMeshClient(this, logClient, forwarders, logProgress));
  }

  LoggingManager logging() {
    return logging;
  }

  /**
   * Streams the procs' output to this client or not, aggregates it over a window of
   * {@code aggregateWindowSec} seconds (null: every line as it comes) and sets the procs' log
   * level (Python's numbers: 10 DEBUG .. 50 FATAL). Returns once the procs have the new level,
   * or after at most 3 s with a warning naming the ranks that have not confirmed it yet.
   */
  public void loggingOption(boolean streamToClient, Integer aggregateWindowSec, int level) {
    loggingOption(new LoggingOptions(streamToClient, aggregateWindowSec, level));
  }

  public void loggingOption(LoggingOptions options) {
    ensureRunning();
    logging.apply(options);
  }

  /**
   * The barrier: returns once everything every proc wrote to stdout/stderr before this call has
   * been printed by this client. A dead or silent proc cannot hold it past its timeout (10 s):
   * it then throws {@link FlushIncompleteException} naming those ranks.
   */
  public void flush() {
    try {
      flushAsync().join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  public CompletableFuture<Void> flushAsync() {
    ensureRunning();
    return logging.flushAsync();
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
    RankOutcome[] outcomes = request(id -> new AgentProtocol.SpawnActor(
        id, meshId, name, actorClass.getName(), encoded)).join();
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

  /** Sends a command built around a fresh request id to every agent; one outcome per rank. */
  CompletableFuture<RankOutcome[]> request(LongFunction<Command> command) {
    return collect(command).future();
  }

  /** As {@link #request}, with the collector itself, for a caller that waits a bounded time. */
  RankCollector collect(LongFunction<Command> command) {
    RankCollector collector = new RankCollector(size());
    long id = host.requests().open(collector);
    for (ActorRef<Command> agent : host.agents()) {
      agent.tell(command.apply(id));
    }
    return collector;
  }

  /** Sends a command nobody waits for (a broadcast). */
  void send(LongFunction<Command> command) {
    long id = host.requests().nextId();
    for (ActorRef<Command> agent : host.agents()) {
      agent.tell(command.apply(id));
    }
  }

  String meshId() {
    return meshId;
  }

  void ensureRunning() {
    if (stopped) {
      throw new IllegalStateException("proc mesh " + meshId + " is stopped");
    }
    host.ensureOpen();
  }

  void procExited(ProcExit exit, boolean failure) {
    ProcFailure f = toFailure(exit);
    if (failure) {
      // reported (or its report pending) before anyone can see the failure and exit
      String report = f.describe()
          + (f.lastLines().isEmpty() ? "" : "; its last lines:\n  " + String.join("\n  ", f.lastLines()));
      if (f.exitStatus() == INTERRUPTED_STATUS) {
        // A terminal's Ctrl-C reaches the client and its procs at once, and either may see it
        // first: a proc interrupted along with its client is no failure worth a warning. Told
        // a moment later, or at the JVM's exit if that is sooner, so it is never lost.
        ClientRuntime.report(CTRL_C_GRACE_MILLIS, () -> {
          if (ClientRuntime.interrupted()) {
            log.debug("proc {} (interrupted with the client)", report);
          } else {
            log.warn("proc {}", report);
          }
        });
      } else {
        log.warn("proc {}", report);
      }
      failures.add(f);
      firstFailure.complete(f);
    }
    synchronized (exitStatuses) {
      if (exit.rank() >= 0 && exit.rank() < exitStatuses.length && exitStatuses[exit.rank()] == null) {
        exitStatuses[exit.rank()] = exit.exitStatus();
        if (--running == 0) {
          allExited.complete(List.of(exitStatuses));
        }
      }
    }
  }

  /**
   * Completes when every proc has exited by itself (a main class returned, an executable ended),
   * with each rank's exit status, index = rank. Fails if the mesh is stopped first.
   */
  public CompletableFuture<List<Integer>> exitStatuses() {
    return allExited;
  }

  /** Completes with the first proc failure the client learns of (fail-fast, as mpirun does). */
  public CompletableFuture<ProcFailure> firstFailure() {
    return firstFailure;
  }

  /** What each proc runs. */
  public ProcCommand command() {
    return command;
  }

  static ProcFailure toFailure(ProcExit exit) {
    return new ProcFailure(exit.rank(), exit.pid(), exit.hostname(), exit.exitStatus(), exit.lastLines());
  }

  /**
   * Flushes (at most 3 s), then stops every proc: gracefully, then by force within about 5 s;
   * then prints their last lines and what is still aggregated. Idempotent.
   */
  public void stop() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      logging.flushBeforeStop(failures);
      stopped = true;
    }
    host.stopOnAgents(meshId);
    logging.drain();
    allExited.completeExceptionally(new IllegalStateException("proc mesh " + meshId + " was stopped"));
  }

  @Override
  public void close() {
    stop();
  }
}
