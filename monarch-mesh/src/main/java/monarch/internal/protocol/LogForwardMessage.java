package monarch.internal.protocol;

import monarch.internal.protocol.WireMessage;

/**
 * What a LogForwardActor handles: the tees' {@link LogMessage}s, the client's controls
 * ({@code SetMode}, {@code ForceSyncFlush}, acks of relayed batches) and its own timers.
 */
public sealed interface LogForwardMessage extends WireMessage
    permits LogMessage, LogForwardMessage.SetMode, LogForwardMessage.ForceSyncFlush,
        LogForwardMessage.Ack, LogForwardMessage.ProcFlushed, LogForwardMessage.Heartbeat,
        LogForwardMessage.Stop {

  /** Start or stop relaying this proc's lines to the client. */
  record SetMode(boolean streamToClient) implements LogForwardMessage {}

  /** Barrier {@code version}: ack it once every byte the proc wrote before now is relayed. */
  record ForceSyncFlush(long version) implements LogForwardMessage {}

  /** The client has printed {@code batches} relayed batches. */
  record Ack(int batches) implements LogForwardMessage {}

  /** The proc has flushed its own stdout/stderr buffers for barrier {@code version} (or could not). */
  record ProcFlushed(long version) implements LogForwardMessage {}

  /** The forwarder's 1 s liveness tick. */
  record Heartbeat() implements LogForwardMessage {}

  /**
   * Its mesh has stopped: stop once the tees have sent their last batches and end markers, which
   * stopping the actor from outside would throw away.
   */
  record Stop() implements LogForwardMessage {}
}
