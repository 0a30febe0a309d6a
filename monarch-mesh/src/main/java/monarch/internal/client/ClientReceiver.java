package monarch.internal.client;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import monarch.internal.protocol.AgentProtocol.Command;
import monarch.internal.protocol.AgentProtocol.Event;
import monarch.internal.protocol.AgentProtocol.ProcExited;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The client's mailbox for everything host agents send back: answers go to their open request,
 * unexpected proc exits to the mesh's failure handler, and the loss of a host agent it watches to
 * the HostMesh. One per HostMesh. It does no work of its own beyond routing; callers decode results
 * on their own threads.
 */
public final class ClientReceiver {
  /** Stops the receiver; local only. */
  public enum Stop implements NoSerializationVerificationNeeded {
    INSTANCE
  }

  private ClientReceiver() {}

  /** A watched agent is gone; local only. */
  private record AgentLost(int index) implements NoSerializationVerificationNeeded {}

  /**
   * @param agents the host agents to watch (Pekko's death watch: a remote one that dies or is cut
   *     off is noticed by its failure detector); {@code lost} hears the index of each that goes
   */
  public static Behavior<Object> create(
      Requests requests,
      Consumer<ProcExited> exits,
      List<ActorRef<Command>> agents,
      IntConsumer lost) {
    return Behaviors.setup(
        ctx -> {
          for (int i = 0; i < agents.size(); i++) {
            ctx.watchWith(agents.get(i), new AgentLost(i));
          }
          return receive(requests, exits, lost);
        });
  }

  private static Behavior<Object> receive(
      Requests requests, Consumer<ProcExited> exits, IntConsumer lost) {
    return Behaviors.receive(Object.class)
        .onMessage(
            AgentLost.class,
            m -> {
              lost.accept(m.index());
              return Behaviors.same();
            })
        .onMessage(
            ProcExited.class,
            e -> {
              exits.accept(e);
              return Behaviors.same();
            })
        .onMessage(
            Event.class,
            e -> {
              requests.dispatch(e);
              return Behaviors.same();
            })
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .build();
  }
}
