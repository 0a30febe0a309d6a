package monarch.internal.agent;

import java.util.concurrent.CompletionException;
import monarch.internal.channel.ProcFrame;
import monarch.internal.launch.Executables;
import monarch.internal.protocol.AgentProtocol.CallActor;
import monarch.internal.protocol.AgentProtocol.Command;
import monarch.internal.protocol.AgentProtocol.Event;
import monarch.internal.protocol.AgentProtocol.ProcsFailed;
import monarch.internal.protocol.AgentProtocol.ProcsReady;
import monarch.internal.protocol.AgentProtocol.MeshStopped;
import monarch.internal.protocol.AgentProtocol.ProcsStopped;
import monarch.internal.protocol.AgentProtocol.Shutdown;
import monarch.internal.protocol.AgentProtocol.SpawnActor;
import monarch.internal.protocol.AgentProtocol.SetLogging;
import monarch.internal.protocol.LogForwardMessage;
import monarch.internal.protocol.AgentProtocol.SpawnProcs;
import monarch.internal.agent.LogForwardActor;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import monarch.internal.protocol.AgentProtocol.StopProcs;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The host agent's front door: the one actor a client talks to on a host. It turns commands into
 * calls on its {@link BootstrapProcManager} and never blocks: slow work (launching, stopping)
 * completes on the manager's threads, which answer the client directly. It remembers which client
 * owns each mesh so that proc-side answers find their way back.
 */
public final class HostAgent {
  private HostAgent() {}

  public static Behavior<Command> create(BootstrapProcManager manager) {
    return Behaviors.setup(ctx -> behavior(ctx, manager));
  }

  private static Behavior<Command> behavior(ActorContext<Command> ctx, BootstrapProcManager manager) {
    java.util.Map<String, ActorRef<Event>> owners = new java.util.concurrent.ConcurrentHashMap<>();
    // touched on this actor's thread only
    java.util.Map<String, java.util.List<ActorRef<LogForwardMessage>>> forwardersByMesh = new java.util.HashMap<>();
    return Behaviors.receive(Command.class)
        .onMessage(SpawnProcs.class, m -> {
          owners.put(m.meshId(), m.client());
          // Forwarders are this actor's children, one per proc; each stops once its proc's
          // streams have ended and everything in them was relayed.
          BootstrapProcManager.ForwarderFactory forwarders = m.logClient() == null ? null
              : (origin, sender, proc) -> {
                // before the tees start: a local console must be quiet from the first byte
                sender.setStreaming(m.streamToClient());
                ActorRef<LogForwardMessage> fwd = ctx.spawn(
                    LogForwardActor.create(origin, m.logClient(), sender, proc),
                    "fwd-" + m.meshId() + "-r" + origin.rank(), LogForwardActor.DISPATCHER);
                forwardersByMesh.computeIfAbsent(m.meshId(), k -> new java.util.ArrayList<>()).add(fwd);
                return fwd;
              };
          manager.spawn(m.meshId(), m.count(), m.rankOffset(), m.worldSize(), m.level(), m.kind(), m.argv(),
                  m.client()::tell, forwarders)
              .whenComplete((procs, err) -> m.client().tell(err == null
                  ? new ProcsReady(m.requestId(), procs)
                  : new ProcsFailed(m.requestId(), message(err), Executables.shellStatus(err))));
          return Behaviors.same();
        })
        .onMessage(SetLogging.class, m -> {
          ActorRef<Event> owner = owners.get(m.meshId());
          if (owner != null) {
            if (m.streamToClient() != null) {
              for (var f : manager.forwarders(m.meshId())) {
                f.tell(new LogForwardMessage.SetMode(m.streamToClient()));
              }
            }
            manager.setLevel(m.meshId(), m.requestId(), m.level(), owner::tell);
          }
          return Behaviors.same();
        })
        .onMessage(SpawnActor.class, m -> {
          ActorRef<Event> owner = owners.get(m.meshId());
          if (owner != null) {
            manager.broadcast(m.meshId(), m.requestId(),
                new ProcFrame.SpawnActor(m.requestId(), m.name(), m.className(), m.args()), true,
                owner::tell);
          }
          return Behaviors.same();
        })
        .onMessage(CallActor.class, m -> {
          ActorRef<Event> owner = owners.get(m.meshId());
          if (owner != null) {
            manager.broadcast(m.meshId(), m.requestId(),
                new ProcFrame.Call(m.requestId(), m.actor(), m.endpoint(), m.args(), m.wantsReply()),
                m.wantsReply(), owner::tell);
          }
          return Behaviors.same();
        })
        .onMessage(StopProcs.class, m -> {
          ActorRef<Event> owner = owners.remove(m.meshId());
          // The procs' last lines are relayed by the time stop completes; then the forwarders go.
          manager.stop(m.meshId()).whenComplete((ok, err) ->
              ctx.getSelf().tell(new MeshStopped(m.requestId(), m.meshId(), owner)));
          return Behaviors.same();
        })
        .onMessage(MeshStopped.class, m -> {
          for (ActorRef<LogForwardMessage> f : forwardersByMesh.getOrDefault(m.meshId(), java.util.List.of())) {
            f.tell(new LogForwardMessage.Stop()); // in-band: after the tees' last batches
          }
          forwardersByMesh.remove(m.meshId());
          if (m.owner() != null) {
            m.owner().tell(new ProcsStopped(m.requestId()));
          }
          return Behaviors.same();
        })
        .onMessage(Shutdown.class, m -> {
          // close() is bounded (STOP_BOUND_MILLIS); the agent is going away anyway.
          manager.close();
          m.replyTo().tell(new ProcsStopped(m.requestId()));
          return Behaviors.stopped();
        })
        .onSignal(PostStop.class, s -> {
          manager.close();
          return Behaviors.same();
        })
        .build();
  }

  private static String message(Throwable err) {
    Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
