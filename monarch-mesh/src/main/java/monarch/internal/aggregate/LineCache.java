package monarch.internal.aggregate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Remembers, for lines seen in this window, which part each joined and where its fields were, so
 * that a line equal to one of them but for its digits (a counter, a time, a loss: most lines of a
 * busy stream) skips {@link TemplateAggregator}'s scan. That is exact, not a guess: the scan reads
 * a digit only as "a digit" (a token with one is a field, a name with one is no label), so two
 * lines that differ in digits alone have the same key and their fields at the same places. And it
 * says which 8-byte words of the line changed since the entry's last line, so that join skips the
 * fields that did not (counting a value again changes nothing).
 *
 * <p>Owns a direct-mapped table of {@link #ENTRIES} entries, keyed by the hash of the line with
 * each digit made '0' (8 bytes at a time), each holding its last line (at most {@link #LONGEST}
 * bytes; longer lines are never cached), its part, and per field its start, end and whether it is
 * one number: at most {@code ENTRIES * (LONGEST + 3 * 4 * MAX_FIELDS)} bytes, about 900 KB,
 * allocated as entries fill; and per rank (mod {@link #HINTS}) the entry it last used, tried before
 * the hash. A new line in a taken entry replaces the old one. It never decides a part itself, and
 * is emptied with the window (part numbers start again).
 */
final class LineCache {
  static final int ENTRIES = 1024;

  /** The longest line cached: 64 words of 8 bytes, one bit each in {@link #changed}. */
  static final int LONGEST = 512;

  private static final int HINTS = 64;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ZEROS = 0x3030303030303030L; // '0' in every byte
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long HIGH = 0x8080808080808080L;
  private static final long M = 0x9E3779B97F4A7C15L;

  private final byte[][] lines = new byte[ENTRIES][];
  private final int[] lengths = new int[ENTRIES]; // -1: empty
  private final int[] parts = new int[ENTRIES];
  private final int[][] layouts = new int[ENTRIES][]; // start, end, is-number per field
  private final int[] fieldCounts = new int[ENTRIES];
  private final int[] hints = new int[HINTS]; // per rank mod HINTS: the entry it last used

  private final int longest;
  private int slot = -1; // the entry of the line last probed
  private long changed;

  /** Caching lines of at most {@code longest} bytes (at most {@link #LONGEST}; 0: none). */
  LineCache(int longest) {
    this.longest = Math.min(longest, LONGEST);
    clear();
  }

  /**
   * Looks b[from, end) up: its entry if a line equal to it but for digits is there (which then
   * holds this line, see {@link #changed}), else -1 (and a {@link #remember} may follow).
   */
  int probe(int rank, byte[] b, int from, int end) {
    int n = end - from;
    if (n > longest || longest == 0) {
      slot = -1;
      return -1;
    }
    int hint = hints[rank & (HINTS - 1)];
    if (hint >= 0 && lengths[hint] == n && match(hint, b, from, n)) {
      return hint;
    }
    long h = n;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      h = Long.rotateLeft((h ^ masked((long) LONGS.get(b, from + i))) * M, 29);
    }
    for (; i < n; i++) {
      h = Long.rotateLeft((h ^ masked(b[from + i])) * M, 29);
    }
    h ^= h >>> 32;
    int e = (int) (h ^ h >>> 16) & (ENTRIES - 1);
    slot = e;
    if (lengths[e] == n && match(e, b, from, n)) {
      hints[rank & (HINTS - 1)] = e;
      return e;
    }
    return -1;
  }

  /**
   * Whether entry e's line and b[from, from + n) differ in digits at most; if so the entry takes
   * the new line and {@link #changed} says which of its words differ.
   */
  private boolean match(int e, byte[] b, int from, int n) {
    byte[] old = lines[e];
    long diff = 0;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      long w = (long) LONGS.get(b, from + i);
      long o = (long) LONGS.get(old, i);
      if (w != o) {
        if (masked(w) != masked(o)) {
          return false;
        }
        diff |= 1L << (i >>> 3);
      }
    }
    for (; i < n; i++) {
      byte x = b[from + i];
      if (x != old[i]) {
        if (masked(x) != masked(old[i])) {
          return false;
        }
        diff |= 1L << (i >>> 3);
      }
    }
    if (diff != 0) {
      System.arraycopy(b, from, old, 0, n);
    }
    changed = diff;
    return true;
  }

  /** The 8 bytes of w with each digit made '0'. */
  private static long masked(long w) {
    // a byte is a digit iff (byte ^ '0') < 10: adding 0x76 to its low 7 bits sets bit 7 for
    // 10..0x7f (no carry into the next byte), and bit 7 of the byte itself catches the rest
    long t = w ^ ZEROS;
    long notDigit = ((t & LOW7) + 0x7676767676767676L | t) & HIGH;
    long digit = ((~notDigit & HIGH) >>> 7) * 0xFF;
    return w & ~digit | digit & ZEROS;
  }

  private static byte masked(byte x) {
    return x >= '0' && x <= '9' ? (byte) '0' : x;
  }

  /** The part of entry e. */
  int part(int e) {
    return parts[e];
  }

  /**
   * Bit k: word k (bytes 8k to 8k + 7) of the line the last hit matched differs from the entry's
   * line before it; a field in other words has the value it had then.
   */
  long changed() {
    return changed;
  }

  /** Entry e's fields: count, and start/end/is-number triples relative to the line's start. */
  int fields(int e) {
    return fieldCounts[e];
  }

  int[] layout(int e) {
    return layouts[e];
  }

  /**
   * Remembers that b[from, end), the line last probed (and missed), joined part p with its {@code
   * n} fields at starts/ends (absolute, as in b).
   */
  void remember(
      int rank,
      byte[] b,
      int from,
      int end,
      int p,
      int n,
      int[] starts,
      int[] ends,
      boolean[] num) {
    int e = slot;
    if (e < 0) {
      return;
    }
    int len = end - from;
    if (lines[e] == null || lines[e].length < len) {
      lines[e] = new byte[Math.max(64, Integer.highestOneBit(Math.max(1, len - 1)) << 1)];
    }
    System.arraycopy(b, from, lines[e], 0, len);
    if (layouts[e] == null || layouts[e].length < 3 * n) {
      layouts[e] = new int[3 * Math.max(n, 4)];
    }
    int[] l = layouts[e];
    for (int j = 0; j < n; j++) {
      l[3 * j] = starts[j] - from;
      l[3 * j + 1] = ends[j] - from;
      l[3 * j + 2] = num[j] ? 1 : 0;
    }
    fieldCounts[e] = n;
    parts[e] = p;
    lengths[e] = len;
    hints[rank & (HINTS - 1)] = e;
  }

  /** Forgets every line: the window's parts are gone. */
  void clear() {
    Arrays.fill(lengths, -1);
    Arrays.fill(hints, -1);
  }
}
