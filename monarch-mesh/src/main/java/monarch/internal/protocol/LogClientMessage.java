package monarch.internal.protocol;

import java.util.List;
import monarch.internal.protocol.WireMessage;
import monarch.logging.OutputTarget;
import org.apache.pekko.actor.typed.ActorRef;

/** What the LogClientActor handles: relayed lines and barrier acks from forwarders, and controls. */
public sealed interface LogClientMessage extends WireMessage {

  /** A batch of one proc stream, relayed; the client acks it to {@code ackTo} once printed. */
  record Log(String hostname, long pid, int rank, OutputTarget target, byte[] lines, int lineCount,
      ActorRef<LogForwardMessage> ackTo) implements LogClientMessage {}

  /**
   * Forwarder {@code rank} has relayed everything before barrier {@code version}; {@code procFailed}
   * says its proc had died by then (its output is complete, but the caller is told the rank is gone).
   */
  record FlushAck(long version, int rank, boolean procFailed) implements LogClientMessage {}

  /** Forwarder {@code rank} is alive (every second). */
  record Heartbeat(int rank) implements LogClientMessage {}

  /**
   * Aggregation window in seconds; null turns aggregation off (pending groups print first). The
   * actor answers {@code appliedTo} (if given) once the window is in force.
   */
  record SetAggregate(Integer windowSec, ActorRef<Applied> appliedTo) implements LogClientMessage {}

  record Applied() implements WireMessage {}

  /**
   * Starts barrier: the actor allocates a version, sends it to {@code versionTo}, and answers
   * {@code replyTo} when every expected rank has acked it, or when {@code timeoutMillis} passed.
   * With {@code print}, what is aggregated is printed before the answer (a user's flush); without,
   * it stays pending (the barrier that puts a mode switch after every earlier line).
   */
  record StartSyncFlush(List<Integer> expectedRanks, long timeoutMillis, boolean print,
      ActorRef<FlushStarted> versionTo, ActorRef<FlushDone> replyTo) implements LogClientMessage {}

  record FlushStarted(long version) implements WireMessage {}

  /** A barrier ended: complete when {@code missingRanks} (silent) and {@code deadRanks} are empty. */
  record FlushDone(long version, List<Integer> missingRanks, List<Integer> deadRanks) implements WireMessage {}

  /** Both streams of forwarder {@code rank} ended; every batch of it came before this. */
  record StreamsEnded(int rank) implements LogClientMessage {}

  /**
   * Teardown: waits until every rank in {@code ranks} has reported StreamsEnded (at most
   * {@code timeoutMillis}), prints what is still aggregated (once), and answers.
   */
  record Drain(List<Integer> ranks, long timeoutMillis, ActorRef<FlushDone> replyTo)
      implements LogClientMessage {}

  /** Stops the actor (after a Drain, at teardown). */
  record Shutdown() implements LogClientMessage {}

  /** A drain's time ran out (the actor's own timer). */
  record DrainTimedOut(long drainId) implements LogClientMessage {}

  /** The actor's note to itself to write out what it buffered (queued behind a burst of Logs). */
  record OutputDue() implements LogClientMessage {}

  /** The window of the pending aggregate ended (the actor's own timer). */
  record WindowEnded(long windowId) implements LogClientMessage {}

  /** A barrier's time ran out (the actor's own timer). */
  record FlushTimedOut(long version) implements LogClientMessage {}
}
