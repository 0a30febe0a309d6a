package monarch.internal.host;

/**
 * Receives the complete lines a {@link LineFramer} cuts out of a byte stream.
 *
 * <p>Each line is valid UTF-8, carries the framer's prefix (if any) and no line terminator.
 */
@FunctionalInterface
public interface LineSink {

  /**
   * Receives one complete line.
   *
   * <p>{@code buf[off, off + len)} is only valid during this call: the framer reuses the array for
   * the next line (or passes a slice of the caller's chunk). Copy what must outlive the call, and
   * do not write to {@code buf}.
   */
  void line(byte[] buf, int off, int len);
}
