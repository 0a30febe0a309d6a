package monarch.internal.agent;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import monarch.internal.channel.ProcFrame;
import monarch.internal.launch.Executables;
import monarch.internal.protocol.AgentProtocol;
import monarch.internal.protocol.AgentProtocol.CallActor;
import monarch.internal.protocol.AgentProtocol.Command;
import monarch.internal.protocol.AgentProtocol.Event;
import monarch.internal.protocol.AgentProtocol.ProcsFailed;
import monarch.internal.protocol.AgentProtocol.ProcsReady;
import monarch.internal.protocol.AgentProtocol.ProcsStopped;
import monarch.internal.protocol.AgentProtocol.SetLevel;
import monarch.internal.protocol.AgentProtocol.Shutdown;
import monarch.internal.protocol.AgentProtocol.SpawnActor;
import monarch.internal.protocol.AgentProtocol.SpawnProcs;
import monarch.internal.protocol.AgentProtocol.StopProcs;
import monarch.internal.protocol.LogForwardMessage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The host agent's front door: the one actor a client talks to on a host. It turns commands into
 * calls on its {@link BootstrapProcManager} and never blocks: slow work (launching, stopping)
 * completes on the manager's threads, which answer the client directly. It remembers which client
 * owns each mesh so that proc-side answers find their way back, and it is the parent of every
 * proc's LogForwardActor.
 */
public final class HostAgent extends AbstractBehavior<Command> {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HostAgent.class);
  private final BootstrapProcManager manager;
  private final boolean shared;

  /** The client of each mesh on this host, by mesh id (read from the manager's threads too). */
  private final Map<String, ActorRef<Event>> owners = new ConcurrentHashMap<>();

  /**
   * The client of some meshes is gone (it exited, was killed, or is cut off: Pekko's death watch
   * and failure detector say so): their procs are stopped as if it had asked.
   */
  private record OwnerGone(ActorRef<Event> owner) implements AgentProtocol.SelfMessage {}

  /** The clients this agent watches; touched by this actor only. */
  private final java.util.Set<ActorRef<Event>> watched = new java.util.HashSet<>();

  /** A mesh's procs have stopped: its forwarders go next, after their tees' last batches. */
  private record MeshStopped(
      long requestId, ActorRef<Event> owner, List<ActorRef<LogForwardMessage>> forwarders)
      implements AgentProtocol.SelfMessage {}

  private HostAgent(ActorContext<Command> ctx, BootstrapProcManager manager, boolean shared) {
    super(ctx);
    this.manager = manager;
    this.shared = shared;
  }

  /** The agent of one client, inside it ({@code HostMesh.local()}): its Shutdown ends it. */
  public static Behavior<Command> create(BootstrapProcManager manager) {
    return Behaviors.setup(ctx -> new HostAgent(ctx, manager, false));
  }

  /** A standalone agent ({@link AgentServer}), shared by its clients: no client ends it. */
  static Behavior<Command> shared(BootstrapProcManager manager) {
    return Behaviors.setup(ctx -> new HostAgent(ctx, manager, true));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(SpawnProcs.class, this::onSpawnProcs)
        .onMessage(
            SetLevel.class,
            m ->
                forOwner(
                    m.meshId(),
                    owner -> manager.setLevel(m.meshId(), m.requestId(), m.level(), owner::tell)))
        .onMessage(
            SpawnActor.class,
            m ->
                broadcast(
                    m.meshId(),
                    m.requestId(),
                    new ProcFrame.SpawnActor(m.requestId(), m.name(), m.className(), m.args()),
                    true))
        .onMessage(
            CallActor.class,
            m ->
                broadcast(
                    m.meshId(),
                    m.requestId(),
                    new ProcFrame.Call(
                        m.requestId(), m.actor(), m.endpoint(), m.args(), m.wantsReply()),
                    m.wantsReply()))
        .onMessage(StopProcs.class, this::onStopProcs)
        .onMessage(MeshStopped.class, this::onMeshStopped)
        .onMessage(OwnerGone.class, this::onOwnerGone)
        .onMessage(Shutdown.class, this::onShutdown)
        .onSignal(
            PostStop.class,
            s -> {
              manager.close();
              return this;
            })
        .build();
  }

  private Behavior<Command> onSpawnProcs(SpawnProcs m) {
    owners.put(m.meshId(), m.client());
    if (watched.add(m.client())) {
      getContext().watchWith(m.client(), new OwnerGone(m.client()));
    }
    // Forwarders are this actor's children, one per proc; each stops once its mesh has stopped
    // and its proc's streams have ended and everything in them was relayed.
    BootstrapProcManager.ForwarderFactory forwarders =
        m.logClient() == null
            ? null
            : (origin, sender, proc) -> {
              // before the tees start: a local console must be quiet from the first byte
              sender.setStreaming(m.streamToClient());
              return getContext()
                  .spawn(
                      LogForwardActor.create(origin, m.logClient(), sender, proc),
                      "fwd-" + m.meshId() + "-r" + origin.rank(),
                      LogForwardActor.DISPATCHER);
            };
    manager
        .spawn(
            m.meshId(),
            m.count(),
            m.rankOffset(),
            m.worldSize(),
            m.level(),
            m.spec(),
            m.classpath(),
            m.client()::tell,
            forwarders)
        .whenComplete(
            (procs, err) ->
                m.client()
                    .tell(
                        err == null
                            ? new ProcsReady(m.requestId(), procs)
                            : new ProcsFailed(
                                m.requestId(), message(err), Executables.shellStatus(err))));
    return this;
  }

  private Behavior<Command> forOwner(
      String meshId, java.util.function.Consumer<ActorRef<Event>> action) {
    ActorRef<Event> owner = owners.get(meshId);
    if (owner != null) {
      action.accept(owner);
    }
    return this;
  }

  /** Sends one frame to every proc of the mesh; {@code tracked}: each proc's reply is awaited. */
  private Behavior<Command> broadcast(
      String meshId, long requestId, ProcFrame frame, boolean tracked) {
    return forOwner(
        meshId, owner -> manager.broadcast(meshId, requestId, frame, tracked, owner::tell));
  }

  private Behavior<Command> onStopProcs(StopProcs m) {
    ActorRef<Event> owner = owners.remove(m.meshId());
    ActorRef<Command> self = getContext().getSelf();
    manager
        .stop(m.meshId())
        .whenComplete(
            (forwarders, err) ->
                self.tell(
                    new MeshStopped(
                        m.requestId(), owner, forwarders == null ? List.of() : forwarders)));
    return this;
  }

  private Behavior<Command> onOwnerGone(OwnerGone m) {
    watched.remove(m.owner());
    for (Map.Entry<String, ActorRef<Event>> e : List.copyOf(owners.entrySet())) {
      if (e.getValue().equals(m.owner())) {
        log.warn("the client of mesh {} is gone: stopping its procs", e.getKey());
        onStopProcs(new StopProcs(-1, e.getKey()));
      }
    }
    return this;
  }

  private Behavior<Command> onMeshStopped(MeshStopped m) {
    m.forwarders()
        .forEach(
            f -> f.tell(new LogForwardMessage.Stop())); // in-band: after the tees' last batches
    if (m.owner() != null) {
      m.owner().tell(new ProcsStopped(m.requestId()));
    }
    return this;
  }

  private Behavior<Command> onShutdown(Shutdown m) {
    if (shared) {
      // clients come and go; the agent stops on SIGTERM only
      log.warn("a client asked this agent to shut down; ignored (it serves other clients too)");
      m.replyTo().tell(new ProcsStopped(m.requestId()));
      return this;
    }
    // close() is bounded (STOP_BOUND_MILLIS); the agent is going away anyway.
    manager.close();
    m.replyTo().tell(new ProcsStopped(m.requestId()));
    return Behaviors.stopped();
  }

  private static String message(Throwable err) {
    Throwable t =
        err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
