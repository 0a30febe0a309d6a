package monarch.internal.client;

import java.util.function.Consumer;
import monarch.internal.protocol.AgentProtocol.Event;
import monarch.internal.protocol.AgentProtocol.ProcExited;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The client's mailbox for everything host agents send back: answers go to their open request,
 * unexpected proc exits to the mesh's failure handler. One per HostMesh. It does no work of its own
 * beyond routing; callers decode results on their own threads.
 */
public final class ClientReceiver {
  /** Stops the receiver; local only. */
  public enum Stop implements NoSerializationVerificationNeeded {
    INSTANCE
  }

  private ClientReceiver() {}

  public static Behavior<Object> create(Requests requests, Consumer<ProcExited> exits) {
    return Behaviors.receive(Object.class)
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
