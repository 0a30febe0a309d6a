package monarch.internal.protocol;

import monarch.logging.OutputTarget;

/**
 * What a tee hands to its proc's LogForwardActor through the LocalLogSender, in stream order:
 * batches of lines, barrier markers, and the end of the stream. A {@link Marker} follows every byte
 * that was in the pipe when its barrier was requested. (In the seeds, {@code Flush(None)} is the
 * heartbeat; the end of a stream has a name of its own here.)
 */
public sealed interface LogMessage extends LogForwardMessage.Local {

  /**
   * {@code lineCount} lines of one stream, each ending in '\n', valid UTF-8, already prefixed with
   * the rank when that is on.
   */
  record Log(OutputTarget target, byte[] lines, int lineCount) implements LogMessage {}

  /**
   * Every byte written to the stream before barrier {@code version} was requested precedes this.
   */
  record Marker(OutputTarget target, long version) implements LogMessage {}

  /** The stream has ended; everything in it precedes this. */
  record StreamEnd(OutputTarget target) implements LogMessage {}
}
