package monarch.internal.capture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Cuts one byte stream (a proc's stdout or its stderr pipe) into lines.
 *
 * <p>Rules, in the order they apply to a line:
 *
 * <ul>
 *   <li>Lines end at {@code '\n'}, which is not part of the line. A {@code '\r'} immediately before
 *       the {@code '\n'} is dropped too, also when the two arrive in different chunks. Empty lines
 *       are emitted (as the prefix alone).
 *   <li>A {@code '\r'} anywhere else (a progress bar redrawing itself) ends one state of the line:
 *       what came since the line began or since the last {@code '\r'} goes to {@link
 *       LineSink#state} unless empty, and the next state starts afresh, so states are never
 *       concatenated. The line's last state is what ends at {@code '\n'} (a line as usual), or at
 *       the end of the stream (a trailing {@code '\r'} then ends it too).
 *   <li>The content is made valid UTF-8: each maximal invalid subpart (a bad lead byte, a lead byte
 *       whose continuation is wrong or cut short by {@code '\n'} or EOF, overlongs, surrogates,
 *       code points above U+10FFFF) becomes one U+FFFD, as in the WHATWG/Unicode "maximal subpart"
 *       practice. NUL is valid and kept. A character split across {@link #feed} calls is
 *       reassembled.
 *   <li>Content longer than {@code maxLineSize} bytes (after the replacement above) is cut at the
 *       last character boundary at or below {@code maxLineSize} and {@link #TRUNCATED_SUFFIX}
 *       appended. That line is emitted at once (a proc writing forever without a newline still
 *       shows something); the rest of it, up to the next {@code '\n'}, is counted in {@link
 *       #bytesDiscarded()} and dropped without being buffered.
 *   <li>Every emitted line starts with the prefix, which does not count toward {@code maxLineSize}.
 * </ul>
 *
 * <p>Memory: one line buffer of {@code prefix + maxLineSize + suffix} bytes, allocated in the
 * constructor and never grown; nothing is allocated per line or per chunk. Lines are handed to the
 * {@link LineSink} as a slice of that buffer, or, when a line lies wholly in the caller's chunk, as
 * the prefix and a slice of the chunk (not copied at all here).
 *
 * <p>Speed: runs of ASCII are found eight bytes at a time and copied with {@link System#arraycopy};
 * only non-ASCII bytes go through the UTF-8 state machine.
 *
 * <p>Not thread-safe: a framer belongs to the one task that reads its pipe.
 */
public final class LineFramer {

  /** The default and designed maximum line size in content bytes (prefix excluded). */
  public static final int MAX_LINE_SIZE = 4096;

  /** Appended to a line cut at {@code maxLineSize}. Do not modify (the framer uses a copy). */
  public static final byte[] TRUNCATED_SUFFIX = "... [TRUNCATED]".getBytes(StandardCharsets.UTF_8);

  /** Upper bound for {@code maxLineSize}: the line buffer is allocated up front. */
  public static final int MAX_SUPPORTED_LINE_SIZE = 1 << 24;

  /** Upper bound for the prefix length. */
  public static final int MAX_PREFIX_SIZE = 1024;

  private static final byte[] SUFFIX = TRUNCATED_SUFFIX.clone();

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
  private static final long CRS = 0x0D0D0D0D0D0D0D0DL;

  private final LineSink sink;

  /** prefix | content (at most maxLineSize bytes) | room for the suffix. */
  private final byte[] buf;

  private final int prefixLen;

  /** End of the content area: prefixLen + maxLineSize. */
  private final int limit;

  /** Write position in buf; prefixLen when the current line has no content yet. */
  private int pos;

  /** The current line was truncated (and emitted); dropping input up to the next '\n'. */
  private boolean discarding;

  /**
   * A '\r' was the last byte seen; whether it ends the line or a state depends on the next byte.
   */
  private boolean pendingCr;

  /** A '\r' ended a dropped rest at a chunk's end: a '\n' right after it belongs to it. */
  private boolean discardedCr;

  // UTF-8 decoder (WHATWG): length of the sequence being read (0: none), bytes of it seen so
  // far, those bytes packed little-endian, and the allowed range of the next byte.
  private int need;
  private int seen;
  private int seq;
  private int lower = 0x80;
  private int upper = 0xBF;

  private long linesEmitted;
  private long statesEmitted;
  private long linesTruncated;
  private long bytesReplaced;
  private long bytesDiscarded;

  /**
   * @param maxLineSize content bytes per line before truncation, 1..{@value
   *     #MAX_SUPPORTED_LINE_SIZE} (normally {@link #MAX_LINE_SIZE})
   * @param prefixOrNull bytes put in front of every line (e.g. {@code "[3] "}), copied; null or
   *     empty for none; at most {@value #MAX_PREFIX_SIZE} bytes
   * @param sink receives every line, on the thread calling {@link #feed} / {@link #finish}
   */
  public LineFramer(int maxLineSize, byte[] prefixOrNull, LineSink sink) {
    if (maxLineSize < 1 || maxLineSize > MAX_SUPPORTED_LINE_SIZE) {
      throw new IllegalArgumentException(
          "maxLineSize must be in 1.." + MAX_SUPPORTED_LINE_SIZE + ", got " + maxLineSize);
    }
    byte[] prefix = prefixOrNull == null ? new byte[0] : prefixOrNull;
    if (prefix.length > MAX_PREFIX_SIZE) {
      throw new IllegalArgumentException(
          "prefix must be at most " + MAX_PREFIX_SIZE + " bytes, got " + prefix.length);
    }
    this.sink = Objects.requireNonNull(sink, "sink");
    this.prefixLen = prefix.length;
    this.limit = prefixLen + maxLineSize;
    this.buf = new byte[limit + SUFFIX.length];
    System.arraycopy(prefix, 0, buf, 0, prefixLen);
    this.pos = prefixLen;
  }

  /** Frames {@code chunk[off, off + len)}; complete lines go to the sink before this returns. */
  public void feed(byte[] chunk, int off, int len) {
    Objects.checkFromIndexSize(off, len, chunk.length);
    final int end = off + len;
    int i = off;
    while (i < end) {
      if (discardedCr) {
        discardedCr = false;
        if (chunk[i] == '\n') {
          i++; // the "\r\n" that ended a truncated line
          continue;
        }
      }
      if (discarding) {
        i = skipDiscarded(chunk, i, end);
      } else if (need == 0 && !pendingCr && chunk[i] >= 0) {
        i = asciiRun(chunk, i, end);
      } else {
        // Non-ASCII, or a state the fast path does not handle: byte by byte until the
        // decoder is idle and the next byte is ASCII again.
        do {
          step(chunk[i++] & 0xFF);
        } while (i < end
            && !discarding
            && !discardedCr
            && (need != 0 || pendingCr || chunk[i] < 0));
      }
    }
  }

  /**
   * End of stream: emits the final partial line, if any bytes of it are pending (a sequence cut by
   * EOF becomes U+FFFD, a trailing {@code '\r'} is content). Nothing is emitted when the stream
   * ended with {@code '\n'}. The framer is then ready for a new stream.
   */
  public void finish() {
    discardedCr = false;
    if (!discarding) {
      if (need != 0) {
        int k = seen;
        resetDecoder();
        replace(k);
      }
      pendingCr = false; // a trailing '\r' ends the last state, which ends the stream
      if (!discarding && pos > prefixLen) {
        emitLine();
      }
    }
    discarding = false;
  }

  /** True when bytes of an unfinished line are held (they would be emitted by {@link #finish}). */
  public boolean hasPartialLine() {
    return !discarding && (pos > prefixLen || need != 0 || pendingCr);
  }

  /** Lines given to the sink, truncated ones included. */
  public long linesEmitted() {
    return linesEmitted;
  }

  /** States of lines ended by a lone {@code '\r'}, given to {@link LineSink#state}. */
  public long statesEmitted() {
    return statesEmitted;
  }

  /** Lines cut at {@code maxLineSize}. */
  public long linesTruncated() {
    return linesTruncated;
  }

  /** Invalid UTF-8 sequences (maximal subparts) replaced by U+FFFD. */
  public long bytesReplaced() {
    return bytesReplaced;
  }

  /** Input bytes dropped after truncation points (line terminators {@code '\n'} not counted). */
  public long bytesDiscarded() {
    return bytesDiscarded;
  }

  /** Size of the one line buffer; it never changes. For tests of the memory bound. */
  int bufferCapacity() {
    return buf.length;
  }

  // ---- fast path ---------------------------------------------------------------------------

  /** Handles the ASCII run starting at i (chunk[i] is ASCII); returns where to go on. */
  private int asciiRun(byte[] chunk, int i, int end) {
    final int stop = indexOfLfCrOrNonAscii(chunk, i, end);
    int n = stop - i;
    if (stop == end) {
      append(chunk, i, n);
      return end;
    }
    if (chunk[stop] == '\n') {
      if (pos == prefixLen && n <= limit - prefixLen) {
        // Nothing carried over and no truncation: the line goes out from the chunk as it is.
        linesEmitted++;
        if (prefixLen == 0) {
          sink.line(chunk, i, n);
        } else {
          sink.line(buf, prefixLen, chunk, i, n);
        }
      } else if (append(chunk, i, n)) {
        emitLine();
      } else {
        discarding = false; // truncated and emitted by append; this '\n' ends the dropped rest
      }
      return stop + 1;
    }
    if (chunk[stop] == '\r') {
      if (!append(chunk, i, n)) {
        return stop; // truncated: skipDiscarded takes it from the '\r'
      }
      if (stop + 1 == end) {
        pendingCr = true; // half of a "\r\n", or a lone '\r': the next byte says
        return end;
      }
      if (chunk[stop + 1] == '\n') {
        emitLine();
        return stop + 2;
      }
      endState();
      return stop + 1;
    }
    // A non-ASCII byte at stop: everything before it is content.
    append(chunk, i, n);
    return stop;
  }

  /** Appends ASCII bytes to the line; on overflow truncates and returns false. */
  private boolean append(byte[] src, int from, int n) {
    int room = limit - pos;
    if (n <= room) {
      System.arraycopy(src, from, buf, pos, n);
      pos += n;
      return true;
    }
    System.arraycopy(src, from, buf, pos, room);
    pos = limit;
    bytesDiscarded += n - room;
    truncate();
    return false;
  }

  /**
   * Drops a truncated line's rest up to its '\n' (consumed) or a '\r' that ends its state (left).
   */
  private int skipDiscarded(byte[] chunk, int i, int end) {
    int stop = indexOfLfCrOrNonAscii(chunk, i, end);
    while (stop < end && chunk[stop] < 0) {
      stop = indexOfLfCrOrNonAscii(chunk, stop + 1, end); // UTF-8 of the dropped rest
    }
    bytesDiscarded += stop - i;
    if (stop == end) {
      return end;
    }
    discarding = false;
    if (chunk[stop] == '\n') {
      return stop + 1;
    }
    // a '\r': with a '\n' it ends the truncated line; alone, it ends its state
    if (stop + 1 == end) {
      discardedCr = true;
      return end;
    }
    return chunk[stop + 1] == '\n' ? stop + 2 : stop + 1;
  }

  /** First index in [i, end) holding '\n', '\r' or a byte >= 0x80, else end. */
  static int indexOfLfCrOrNonAscii(byte[] a, int i, int end) {
    for (int last = end - 8; i <= last; i += 8) {
      long w = (long) LONGS.get(a, i);
      long x = w ^ LFS;
      long y = w ^ CRS;
      // High bit of each byte that is '\n' or '\r' (exact for the lowest one) or non-ASCII.
      long m = (((x - ONES) & ~x) | ((y - ONES) & ~y) | w) & HIGHS;
      if (m != 0) {
        return i + (Long.numberOfTrailingZeros(m) >>> 3);
      }
    }
    for (; i < end; i++) {
      byte b = a[i];
      if (b < 0 || b == '\n' || b == '\r') {
        return i;
      }
    }
    return end;
  }

  /** First index in [i, end) holding '\n', else -1. */
  public static int indexOfLf(byte[] a, int i, int end) {
    for (int last = end - 8; i <= last; i += 8) {
      long x = (long) LONGS.get(a, i) ^ LFS;
      long m = (x - ONES) & ~x & HIGHS;
      if (m != 0) {
        return i + (Long.numberOfTrailingZeros(m) >>> 3);
      }
    }
    for (; i < end; i++) {
      if (a[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  // ---- slow path: one byte through the UTF-8 state machine ------------------------------------

  private void step(int b) {
    if (need != 0) {
      if (b >= lower && b <= upper) {
        seq |= b << (seen << 3);
        lower = 0x80;
        upper = 0xBF;
        if (++seen == need) {
          int n = need;
          need = 0;
          putSeq(seq, n);
        }
        return;
      }
      // The bytes seen so far are one maximal invalid subpart; b is looked at afresh.
      int k = seen;
      resetDecoder();
      replace(k);
      if (discarding) {
        dropAfterTruncation(b);
        return;
      }
    }
    if (pendingCr) {
      pendingCr = false;
      if (b == '\n') {
        emitLine();
        return;
      }
      endState(); // a lone '\r'; b begins the next state
    }
    if (b < 0x80) {
      if (b == '\n') {
        emitLine();
      } else if (b == '\r') {
        pendingCr = true;
      } else {
        put1(b);
      }
    } else if (b >= 0xC2 && b <= 0xDF) {
      begin(b, 2);
    } else if (b >= 0xE0 && b <= 0xEF) {
      begin(b, 3);
      if (b == 0xE0) {
        lower = 0xA0; // no overlongs
      } else if (b == 0xED) {
        upper = 0x9F; // no surrogates
      }
    } else if (b >= 0xF0 && b <= 0xF4) {
      begin(b, 4);
      if (b == 0xF0) {
        lower = 0x90; // no overlongs
      } else if (b == 0xF4) {
        upper = 0x8F; // nothing above U+10FFFF
      }
    } else {
      replace(1); // 80..C1, F5..FF can never start a character
    }
  }

  private void begin(int lead, int length) {
    need = length;
    seen = 1;
    seq = lead;
  }

  private void resetDecoder() {
    need = 0;
    lower = 0x80;
    upper = 0xBF;
  }

  private void dropAfterTruncation(int b) {
    if (b == '\n') {
      discarding = false;
    } else if (b == '\r') {
      discarding = false; // the next state starts afresh, unless a '\n' follows
      discardedCr = true;
    } else {
      bytesDiscarded++;
    }
  }

  private boolean put1(int b) {
    if (pos >= limit) {
      bytesDiscarded++;
      truncate();
      return false;
    }
    buf[pos++] = (byte) b;
    return true;
  }

  private void putSeq(int packed, int n) {
    if (pos + n > limit) {
      bytesDiscarded += n;
      truncate();
      return;
    }
    for (int k = 0; k < n; k++, packed >>>= 8) {
      buf[pos++] = (byte) packed;
    }
  }

  /** Puts U+FFFD for an invalid subpart of k input bytes. */
  private void replace(int k) {
    bytesReplaced++;
    if (pos + 3 > limit) {
      bytesDiscarded += k;
      truncate();
      return;
    }
    buf[pos] = (byte) 0xEF;
    buf[pos + 1] = (byte) 0xBF;
    buf[pos + 2] = (byte) 0xBD;
    pos += 3;
  }

  // ---- emitting ----------------------------------------------------------------------------

  /** A lone '\r' ended the current state of the line: it goes to the sink unless empty. */
  private void endState() {
    if (pos > prefixLen) {
      int n = pos;
      pos = prefixLen;
      statesEmitted++;
      sink.state(buf, 0, n);
    }
  }

  private void emitLine() {
    int n = pos;
    pos = prefixLen;
    linesEmitted++;
    sink.line(buf, 0, n);
  }

  /** Ends the current line at pos (a character boundary) with the suffix and emits it. */
  private void truncate() {
    System.arraycopy(SUFFIX, 0, buf, pos, SUFFIX.length);
    int n = pos + SUFFIX.length;
    pos = prefixLen;
    discarding = true;
    pendingCr = false;
    resetDecoder();
    linesEmitted++;
    linesTruncated++;
    sink.line(buf, 0, n);
  }
}
