package monarch.internal.capture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The last N lines of one stream, kept to show what a proc printed before it died.
 *
 * <p>Lines are stored as bytes in N reusable slots, so the reader thread that {@link #add}s every
 * line allocates only while a slot grows to the longest line it has held; decoding to Strings
 * happens in {@link #snapshot}. Lines longer than {@code maxLineBytes} are cut at a character
 * boundary, so memory is bounded by {@code capacity * maxLineBytes} (the default {@code
 * maxLineBytes} fits any line a default {@link LineFramer} emits).
 *
 * <p>Thread-safe: one thread adds, any thread may snapshot.
 */
public final class RotatingLineBuffer {

  /** Room for a full {@link LineFramer#MAX_LINE_SIZE} line, its suffix and a rank prefix. */
  public static final int DEFAULT_MAX_LINE_BYTES =
      LineFramer.MAX_LINE_SIZE + LineFramer.TRUNCATED_SUFFIX.length + 64;

  private static final byte[] EMPTY = new byte[0];

  private final int maxLineBytes;
  private final byte[][] slots;
  private final int[] lengths;

  /** Total lines ever added; the newest is at (added - 1) % capacity. */
  private long added;

  /** Keeps the last {@code capacity} lines of up to {@link #DEFAULT_MAX_LINE_BYTES} bytes. */
  public RotatingLineBuffer(int capacity) {
    this(capacity, DEFAULT_MAX_LINE_BYTES);
  }

  /**
   * @param capacity lines kept, > 0
   * @param maxLineBytes bytes kept per line, > 0; longer lines are cut at a UTF-8 boundary
   */
  public RotatingLineBuffer(int capacity, int maxLineBytes) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be > 0, got " + capacity);
    }
    if (maxLineBytes <= 0) {
      throw new IllegalArgumentException("maxLineBytes must be > 0, got " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
    this.slots = new byte[capacity][];
    Arrays.fill(slots, EMPTY);
    this.lengths = new int[capacity];
  }

  /** Copies {@code buf[off, off + len)} in as the newest line, evicting the oldest when full. */
  public void add(byte[] buf, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, buf.length);
    if (len > maxLineBytes) {
      len = boundaryAtOrBelow(buf, off, len, maxLineBytes);
    }
    synchronized (this) {
      int i = (int) (added % slots.length);
      byte[] slot = slots[i];
      if (slot.length < len) {
        slot = new byte[Math.min(maxLineBytes, Math.max(len, 2 * slot.length))];
        slots[i] = slot;
      }
      System.arraycopy(buf, off, slot, 0, len);
      lengths[i] = len;
      added++;
    }
  }

  /** The kept lines, oldest first, decoded as UTF-8 (invalid bytes become U+FFFD). */
  public List<String> snapshot() {
    byte[][] copies;
    synchronized (this) {
      int n = (int) Math.min(added, slots.length);
      copies = new byte[n][];
      long first = added - n;
      for (int k = 0; k < n; k++) {
        int i = (int) ((first + k) % slots.length);
        copies[k] = Arrays.copyOf(slots[i], lengths[i]);
      }
    }
    List<String> out = new ArrayList<>(copies.length);
    for (byte[] c : copies) {
      out.add(new String(c, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Lines currently kept (at most the capacity). */
  public synchronized int size() {
    return (int) Math.min(added, slots.length);
  }

  public int capacity() {
    return slots.length;
  }

  /** Lines ever added, evicted ones included. */
  public synchronized long linesAdded() {
    return added;
  }

  /** Largest k <= max such that buf[off + k] does not continue a UTF-8 character. */
  private static int boundaryAtOrBelow(byte[] buf, int off, int len, int max) {
    int k = max;
    // At most 3 steps back for valid UTF-8; stop there for anything else.
    for (int steps = 0; k > 0 && steps < 3 && (buf[off + k] & 0xC0) == 0x80; steps++) {
      k--;
    }
    return (buf[off + k] & 0xC0) == 0x80 ? max : k;
  }
}
