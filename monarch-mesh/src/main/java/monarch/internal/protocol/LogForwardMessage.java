package monarch.internal.protocol;

/**
 * What a LogForwardActor handles: the client actor's controls ({@code SetMode}, {@code
 * ForceSyncFlush}, acks of relayed batches), its agent's {@code Stop}, and {@link Local} messages
 * from its own proc's tees and timers, which never cross the wire.
 */
public sealed interface LogForwardMessage
    permits LogForwardMessage.SetMode,
        LogForwardMessage.ForceSyncFlush,
        LogForwardMessage.Ack,
        LogForwardMessage.Stop,
        LogForwardMessage.Local {

  /** Start or stop relaying this proc's lines to the client. */
  record SetMode(boolean streamToClient) implements LogForwardMessage, WireMessage {}

  /**
   * Barrier {@code version}: ack it once every byte the proc wrote before now is relayed, an
   * unfinished last line as a line if {@code coversPartialLine} (a flush), else only the whole
   * lines (a mode switch, which must not split a line in two).
   */
  record ForceSyncFlush(long version, boolean coversPartialLine)
      implements LogForwardMessage, WireMessage {}

  /** The client has written {@code batches} relayed batches. */
  record Ack(int batches) implements LogForwardMessage, WireMessage {}

  /**
   * Its mesh has stopped: stop once the tees have sent their last batches and end markers, which
   * stopping the actor from outside would throw away.
   */
  record Stop() implements LogForwardMessage, WireMessage {}

  /** From inside the forwarder's own host agent (its tees, its timers): never serialized. */
  non-sealed interface Local
      extends LogForwardMessage, org.apache.pekko.actor.NoSerializationVerificationNeeded {}
}
