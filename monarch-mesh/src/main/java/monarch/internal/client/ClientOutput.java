package monarch.internal.client;

import java.io.PrintStream;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import monarch.internal.capture.LineFramer;
import monarch.internal.protocol.LogForwardMessage;
import monarch.logging.OutputTarget;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The LogClientActor's writer: coalesces what the actor prints into one buffer per target and
 * writes each buffer with one call, so a burst of relayed batches costs a few large writes, not one
 * write and flush per batch. Also holds the acks owed for batches taken in, and sends them only
 * once what those batches printed has been written: the forwarders' permits (the end-to-end
 * back-pressure) come back no sooner than the bytes leave the process. It keeps the {@link
 * OutputLedger}'s count of lines written; a target whose stream fails (PrintStream's error flag: a
 * reader that closed the pipe, a full disk) is reported there once, and from then on its lines are
 * dropped and counted, never written, so the procs are not held up by it.
 *
 * <p>The actor calls {@link #flush} before it answers anyone (a barrier, a drain, a mode switch)
 * and when its mailbox has run dry, so buffering never delays a line past the next message the
 * actor handles. Memory: {@link #CAPACITY} bytes per target plus one counter per forwarder with
 * unacked batches. Never touches stdin; never blocks except in the write itself.
 */
final class ClientOutput {
  /** Per-target buffer; any single line (at most 4 KiB plus its suffix and headers) fits it. */
  static final int CAPACITY = 256 * 1024;

  private final Map<OutputTarget, PrintStream> streams = new EnumMap<>(OutputTarget.class);
  private final byte[][] buffers = new byte[OutputTarget.values().length][];
  private final int[] used = new int[OutputTarget.values().length];

  /** Lines in each buffer (a group of N aggregated lines counts N), not yet written. */
  private final long[] pendingLines = new long[OutputTarget.values().length];

  private final boolean[] failed = new boolean[OutputTarget.values().length];
  private final Map<ActorRef<LogForwardMessage>, Integer> owed = new LinkedHashMap<>();
  private final OutputLedger ledger;
  private final LongSupplier nanoClock;

  /** When the last write returned (it may have waited long for a reader that paused). */
  private long lastWriteNanos;

  ClientOutput(PrintStream out, PrintStream err, OutputLedger ledger) {
    this(out, err, ledger, System::nanoTime);
  }

  ClientOutput(PrintStream out, PrintStream err, OutputLedger ledger, LongSupplier nanoClock) {
    this.ledger = ledger;
    this.nanoClock = nanoClock;
    this.lastWriteNanos = nanoClock.getAsLong();
    streams.put(OutputTarget.STDOUT, out);
    streams.put(OutputTarget.STDERR, err);
    for (OutputTarget t : OutputTarget.values()) {
      buffers[t.ordinal()] = new byte[CAPACITY];
    }
  }

  /** Buffers every '\n'-terminated line of {@code lines} with {@code header} in front of it. */
  void appendLines(OutputTarget target, byte[] header, byte[] lines) {
    appendLines(target, header, lines, 0, lines.length);
  }

  /** As {@link #appendLines(OutputTarget, byte[], byte[])}, for the lines in [from, end). */
  void appendLines(OutputTarget target, byte[] header, byte[] lines, int from, int end) {
    int t = target.ordinal();
    byte[] buf = buffers[t];
    int at = used[t];
    int start = from;
    while (start < end) {
      int lf = LineFramer.indexOfLf(lines, start, end);
      int stop = lf < 0 ? end : lf + 1; // a batch always ends in '\n'; be safe if not
      int len = header.length + stop - start;
      if (at + len > buf.length) {
        used[t] = at;
        write(target);
        at = 0;
        if (len > buf.length) { // never for framed lines; written through rather than lost
          pendingLines[t]++;
          writeThrough(target, header, 0, header.length);
          writeThrough(target, lines, start, stop - start);
          start = stop;
          continue;
        }
      }
      System.arraycopy(header, 0, buf, at, header.length);
      System.arraycopy(lines, start, buf, at + header.length, stop - start);
      pendingLines[t]++;
      at += len;
      start = stop;
    }
    used[t] = at;
  }

  /** Buffers {@code text} as is: an aggregate block standing for {@code lines} lines. */
  void append(OutputTarget target, byte[] text, long lines) {
    int t = target.ordinal();
    if (used[t] + text.length > buffers[t].length) {
      write(target);
      if (text.length > buffers[t].length) {
        pendingLines[t] += lines;
        writeThrough(target, text, 0, text.length);
        return;
      }
    }
    System.arraycopy(text, 0, buffers[t], used[t], text.length);
    used[t] += text.length;
    pendingLines[t] += lines;
  }

  /** One more batch from {@code forwarder} was taken in; acked at the next {@link #flush}. */
  void owe(ActorRef<LogForwardMessage> forwarder) {
    owed.merge(forwarder, 1, Integer::sum);
  }

  boolean isEmpty() {
    return owed.isEmpty() && used[0] == 0 && used[1] == 0;
  }

  /** Writes and flushes both buffers, then returns the permits of every batch they held. */
  void flush() {
    for (OutputTarget t : OutputTarget.values()) {
      write(t);
    }
    if (!owed.isEmpty()) {
      owed.forEach((forwarder, batches) -> forwarder.tell(new LogForwardMessage.Ack(batches)));
      owed.clear();
    }
  }

  private void write(OutputTarget target) {
    int t = target.ordinal();
    if (used[t] > 0) {
      writeThrough(target, buffers[t], 0, used[t]);
      used[t] = 0;
    }
  }

  /** Writes and flushes, then settles the lines pending for {@code target}: written or dropped. */
  private void writeThrough(OutputTarget target, byte[] bytes, int off, int len) {
    int t = target.ordinal();
    PrintStream ps = streams.get(target);
    if (!failed[t]) {
      ps.write(bytes, off, len);
      failed[t] = ps.checkError(); // (flushes first) sticky: once failed, always failed
      if (failed[t]) {
        ledger.failed(target);
      }
    }
    if (!failed[t]) {
      ledger.written(pendingLines[t]);
    }
    pendingLines[t] = 0;
    lastWriteNanos = nanoClock.getAsLong();
  }

  /** When the last write to either stream returned, on the clock it was given. */
  long lastWriteNanos() {
    return lastWriteNanos;
  }
}
