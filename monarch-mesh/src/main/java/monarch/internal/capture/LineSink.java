package monarch.internal.capture;

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

  /**
   * Receives one complete line as two pieces: {@code prefix[0, prefixLen)} then {@code text[off,
   * off + len)} (the framer's fast path, for a line wholly inside the chunk: nothing is copied
   * before the sink sees it). Both are only valid during this call. By default the pieces are
   * joined and passed to {@link #line(byte[], int, int)}.
   */
  default void line(byte[] prefix, int prefixLen, byte[] text, int off, int len) {
    byte[] joined = new byte[prefixLen + len];
    System.arraycopy(prefix, 0, joined, 0, prefixLen);
    System.arraycopy(text, off, joined, prefixLen, len);
    line(joined, 0, joined.length);
  }

  /**
   * Receives one state of a line that a lone {@code '\r'} ended (a progress bar redrawing itself):
   * the line's content since it began or since its last state, prefix included, valid only during
   * this call. A later state or the line's end supersedes it. By default a state is a line of its
   * own.
   */
  default void state(byte[] buf, int off, int len) {
    line(buf, off, len);
  }
}
