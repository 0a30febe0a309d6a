package monarch.internal.protocol;

import java.util.OptionalLong;
import monarch.logging.OutputTarget;

/**
 * What a tee hands to its proc's LogForwardActor through the LocalLogSender, in stream order:
 * batches of lines, and Flush markers. {@code Flush(v)} follows every byte that was in the pipe
 * when barrier v was requested; {@code Flush(empty)} marks the end of the stream.
 */
public sealed interface LogMessage extends LogForwardMessage {

  /**
   * {@code lineCount} lines of one stream, each ending in '\n', valid UTF-8, already prefixed
   * with the rank when that is on.
   */
  record Log(OutputTarget target, byte[] lines, int lineCount) implements LogMessage {}

  record Flush(OutputTarget target, OptionalLong syncVersion) implements LogMessage {}
}
