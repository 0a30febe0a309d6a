package monarch.internal.protocol;

import java.util.List;
import monarch.logging.OutputTarget;
import monarch.logging.Similarity;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the LogClientActor handles: relayed lines, barrier acks and liveness from its forwarders
 * (across the wire), and its mesh's requests, each answered to its {@code replyTo} (asks from the
 * same JVM). The actor's notes to itself are {@link SelfMessage}s, never part of this protocol's
 * wire.
 */
public sealed interface LogClientMessage
    permits LogClientMessage.Log,
        LogClientMessage.FlushAck,
        LogClientMessage.Heartbeat,
        LogClientMessage.StreamsEnded,
        LogClientMessage.Attach,
        LogClientMessage.Flush,
        LogClientMessage.SetMode,
        LogClientMessage.Drain,
        LogClientMessage.Shutdown,
        LogClientMessage.SelfMessage {

  /** A batch of one proc stream, relayed; the client acks it to {@code ackTo} once written. */
  record Log(
      String hostname,
      long pid,
      int rank,
      OutputTarget target,
      byte[] lines,
      int lineCount,
      ActorRef<LogForwardMessage> ackTo)
      implements LogClientMessage, WireMessage {}

  /**
   * Forwarder {@code rank} has relayed everything before barrier {@code version}; {@code
   * procFailed} says its proc had died by then (its output is complete, but the caller is told the
   * rank is gone).
   */
  record FlushAck(long version, int rank, boolean procFailed)
      implements LogClientMessage, WireMessage {}

  /** Forwarder {@code rank} is alive (every second). */
  record Heartbeat(int rank) implements LogClientMessage, WireMessage {}

  /** Both streams of forwarder {@code rank} ended; every batch of it came before this. */
  record StreamsEnded(int rank) implements LogClientMessage, WireMessage {}

  /** The mesh's forwarders, index = rank, once its procs are ready: the actor's one registry. */
  record Attach(List<ActorRef<LogForwardMessage>> forwarders)
      implements LogClientMessage, WireMessage {}

  /**
   * A barrier over {@code expectedRanks}: the actor allocates a version, sends it to those ranks'
   * forwarders, and answers when each has acked it, or after {@code timeoutMillis}. With {@code
   * print}, what is aggregated is printed before the answer (a user's flush); without, it stays
   * pending.
   */
  record Flush(
      List<Integer> expectedRanks, long timeoutMillis, boolean print, ActorRef<FlushDone> replyTo)
      implements LogClientMessage, WireMessage {}

  /**
   * A barrier ended: complete when {@code missingRanks} (silent) and {@code deadRanks} are empty.
   */
  record FlushDone(long version, List<Integer> missingRanks, List<Integer> deadRanks)
      implements WireMessage {}

  /**
   * set_mode's streaming and window, exactly: a barrier (what was written before goes under the old
   * mode), streaming to every forwarder, a barrier (the switch is in force), then the window (null:
   * none, pending groups print first) and the aggregation rule (null: unchanged; a new one prints
   * pending groups first). Each barrier waits at most {@code stepMillis}.
   */
  record SetMode(
      boolean streamToClient,
      Integer windowSec,
      Similarity similarity,
      List<Integer> liveRanks,
      long stepMillis,
      ActorRef<ModeSet> replyTo)
      implements LogClientMessage, WireMessage {}

  /** SetMode is in force; {@code silentRanks} did not confirm a barrier in time. */
  record ModeSet(List<Integer> silentRanks) implements WireMessage {}

  /**
   * Teardown: waits until every rank in {@code ranks} has reported StreamsEnded, or no batch came
   * for {@code idleMillis} (a stream that never ends), prints what is still aggregated, answers.
   */
  record Drain(List<Integer> ranks, long idleMillis, ActorRef<Drained> replyTo)
      implements LogClientMessage, WireMessage {}

  /** The drain is done; {@code unended} ranks' streams had not ended. */
  record Drained(List<Integer> unended) implements WireMessage {}

  /** Stops the actor (after a Drain, at teardown); open barriers are answered. */
  record Shutdown() implements LogClientMessage, WireMessage {}

  /** The actor's notes to itself (timers, write-outs): local only, never on the wire. */
  non-sealed interface SelfMessage
      extends LogClientMessage, org.apache.pekko.actor.NoSerializationVerificationNeeded {}
}
