package monarch.internal.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import monarch.internal.protocol.LogMessage;
import monarch.logging.OutputTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tee of one proc stream (stdout or stderr): one task that reads the pipe, frames lines
 * ({@link LineFramer}: rank prefix, UTF-8 repair, 4 KiB cap), batches them and writes each batch
 * to the proc's file, to the {@link LocalLogSender} while it streams, and to the host console
 * (on a host agent inside the client, only what it does not stream).
 *
 * <p>Exact drain. The task only ever reads what {@code available()} (FIONREAD) reports, so every
 * byte taken out of the pipe is framed and handed off before the task looks at the pipe again,
 * and a byte still in the pipe is counted by {@code available()}. A drain request is therefore
 * answered exactly: its marker goes into the hand-off after {@code consumed + available()} bytes
 * at the moment the task takes the request, i.e. after every byte written before it. A marker that
 * falls inside a line waits for that line's end, so a barrier never splits a line that is being
 * written; only a writer that has paused mid-line (the pipe stays empty {@link #PAUSE_NANOS}),
 * or whose line has not ended {@link #MAX_EOL_WAIT_NANOS} after the marker came due (a progress
 * bar writing a dot at a time), gets its partial line sent as a line before the marker. Requests are
 * only queued by the caller (it never blocks, even under back-pressure); the task takes them.
 * When the pipe is empty the task parks with a short backoff ({@link #MAX_IDLE_NANOS}), which is
 * also the longest a line waits after a quiet spell; a request unparks it at once.
 *
 * <p>Batches: up to {@code maxBatchLines} lines or {@link #BATCH_BYTES} bytes, and whatever is
 * framed when the pipe runs empty goes at once. Memory per tee: one read buffer
 * ({@link #READ_BUFFER}), one batch buffer (BATCH_BYTES + one line), the framer's line buffer and
 * the {@link #RECENT_LINES} recent lines, copied once per batch (its last lines), not per line.
 *
 * <p>At EOF it forwards the final partial line, then posts one {@code Flush(empty)}.
 */
public final class StreamForwarder {
  private static final Logger log = LoggerFactory.getLogger(StreamForwarder.class);
  static final int READ_BUFFER = 64 * 1024;
  static final int BATCH_BYTES = 64 * 1024;
  static final long MIN_IDLE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
  static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  static final int RECENT_LINES = 20;

  /**
   * Where the tee writes: the sender (batches to the client, while it is streaming), the proc's
   * files and the host console; any of them may be absent. {@code quietWhileStreaming}: the
   * console is the client's own terminal (a host agent inside the client), so a batch goes to
   * one of the two, never both.
   */
  public record Sinks(LocalLogSender sender, FileAppender files, PrintStream console, boolean quietWhileStreaming) {}

  private final InputStream pipe;
  private final OutputTarget target;
  private final BooleanSupplier writerAlive;
  private final Sinks sinks;
  private final int maxBatchLines;
  private final LineFramer framer;
  private final RotatingLineBuffer recent = new RotatingLineBuffer(RECENT_LINES);
  private final byte[] readBuf = new byte[READ_BUFFER];
  private final byte[] batch;
  private int batchLen;
  private int batchLines;
  /** Where each of the batch's last RECENT_LINES lines starts (line k at k % RECENT_LINES). */
  private final int[] lineStarts = new int[RECENT_LINES];
  private long consumed;
  /** Requests not yet seen by the task; the task turns them into due markers. */
  private final Queue<Long> requested = new ConcurrentLinkedQueue<>();
  /** Markers the task owes, in order: {version, due byte offset}. Touched by the task only. */
  private final ArrayDeque<long[]> due = new ArrayDeque<>();
  /** Markers whose bytes are all framed but whose last line is unfinished; they wait for its '\n'. */
  private final ArrayDeque<Long> awaitingEol = new ArrayDeque<>();
  /**
   * How long the pipe must stay empty with a line unfinished before a waiting marker sends the
   * partial line as a line: long enough that a writer descheduled in the middle of a write (a
   * loaded machine) does not get its line split, short enough for a barrier after a print
   * without a newline.
   */
  static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  /** The longest a due marker waits for the end of a line that keeps growing. */
  static final long MAX_EOL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** When the oldest marker in awaitingEol started waiting. */
  private long awaitingSince;
  /** When the pipe was first seen empty since the last read (0: not empty). */
  private long emptySince;
  /** The one yield since the last read was spent (see run). */
  private boolean yielded;
  private final Object endLock = new Object();
  private boolean ended;
  private volatile boolean stopped;
  private volatile Throwable failure;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final Thread task;

  public StreamForwarder(String name, InputStream pipe, OutputTarget target, byte[] prefix,
      int maxBatchLines, BooleanSupplier writerAlive, Sinks sinks) {
    this.pipe = pipe;
    this.target = target;
    this.writerAlive = writerAlive;
    this.sinks = sinks;
    this.maxBatchLines = maxBatchLines;
    this.framer = new LineFramer(LineFramer.MAX_LINE_SIZE, prefix, new BatchSink());
    this.batch = new byte[BATCH_BYTES + framer.bufferCapacity() + 1];
    this.task = new Thread(this::run, name);
    task.setDaemon(true);
  }

  public StreamForwarder start() {
    task.start();
    return this;
  }

  public OutputTarget target() {
    return target;
  }

  /** Completes when the stream has ended and everything in it was handed off. */
  public CompletableFuture<Void> done() {
    return done;
  }

  /** The most recent lines of this stream, oldest first. */
  public List<String> peek() {
    return recent.snapshot();
  }

  /**
   * Asks for a {@code Flush(version)} marker after every byte written to the pipe before this
   * call. Never blocks; after EOF the marker is posted at once.
   */
  public void requestDrain(long version) {
    synchronized (endLock) {
      if (ended) {
        marker(version);
        return;
      }
      requested.add(version);
    }
    LockSupport.unpark(task);
  }

  /** What {@link #abort()} returns: the recent lines, and how the task ended (null: cleanly). */
  public record AbortResult(List<String> recentLines, Throwable failure) {}

  /** Stops the task (closing the pipe if it is stuck); its recent lines and its outcome. */
  public AbortResult abort() {
    stopped = true;
    LockSupport.unpark(task);
    try {
      done.get(500, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      try {
        pipe.close();
      } catch (IOException ignored) {
        // closing is how we unblock it
      }
      try {
        done.get(500, TimeUnit.MILLISECONDS);
      } catch (Exception stillRunning) {
        log.debug("tee {} did not stop in time", task.getName());
      }
    }
    return new AbortResult(peek(), failure);
  }

  private void run() {
    long idle = MIN_IDLE_NANOS;
    try {
      while (!stopped) {
        int avail = pipe.available();
        if (avail > 0) {
          int n = pipe.read(readBuf, 0, Math.min(avail, readBuf.length));
          if (n < 0) {
            break;
          }
          process(n);
          idle = MIN_IDLE_NANOS;
          yielded = false;
          emptySince = 0;
        } else if (!writerAlive.getAsBoolean()) {
          // The proc is gone; a blocking read now returns -1 at EOF (or the rest of what a child
          // of the proc that kept the pipe open still writes).
          int n = pipe.read(readBuf, 0, readBuf.length);
          if (n < 0) {
            break;
          }
          process(n);
        } else {
          flushBatch();
          takeRequests();
          long now = System.nanoTime();
          if (emptySince == 0) {
            emptySince = now;
          }
          if (!awaitingEol.isEmpty()
              && (now - emptySince >= PAUSE_NANOS || now - awaitingSince >= MAX_EOL_WAIT_NANOS)) {
            // the writer stopped mid-line, or never ends it: the barrier covers the partial line
            // as a line
            framer.finish();
            releaseAwaiting();
          }
          if (due.isEmpty()) {
            if (idle == MIN_IDLE_NANOS && !yielded) {
              // Just drained: the writer is likely runnable but waiting for this core (more
              // tees and procs than cores). Let it write before paying for a park.
              yielded = true;
              Thread.yield();
              continue;
            }
            LockSupport.parkNanos(idle);
            idle = Math.min(idle * 2, MAX_IDLE_NANOS);
          }
        }
      }
    } catch (IOException e) {
      if (!stopped) {
        failure = e;
        log.debug("tee {} ended with {}", task.getName(), e.toString());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = e;
      log.warn("tee {} failed", task.getName(), e);
    } finally {
      end();
    }
  }

  /** Frames n freshly read bytes, placing due markers exactly at their byte offsets. */
  private void process(int n) throws IOException, InterruptedException {
    int off = 0;
    long start = consumed;
    while (!due.isEmpty() && due.peekFirst()[1] <= start + n) {
      int upTo = (int) Math.max(0, due.peekFirst()[1] - start);
      if (upTo > off) {
        framer.feed(readBuf, off, upTo - off);
        off = upTo;
      }
      consumed = start + off;
      emitMarker(due.pollFirst()[0]);
    }
    framer.feed(readBuf, off, n - off);
    consumed = start + n;
    if (batchLines > 0 && pipe.available() == 0) {
      flushBatch();
    }
    takeRequests();
  }

  /** Turns queued requests into markers due after the bytes now in the pipe; emits due ones. */
  private void takeRequests() throws IOException, InterruptedException {
    Long v;
    while ((v = requested.poll()) != null) {
      due.addLast(new long[] {v, consumed + pipe.available()});
    }
    while (!due.isEmpty() && due.peekFirst()[1] <= consumed) {
      emitMarker(due.pollFirst()[0]);
    }
  }

  /** Every byte before the marker is framed: post it, or let it wait for the end of its line. */
  private void emitMarker(long version) throws InterruptedException {
    if (awaitingEol.isEmpty()) {
      awaitingSince = System.nanoTime();
    }
    awaitingEol.addLast(version);
    if (!framer.hasPartialLine()) {
      releaseAwaiting();
    }
  }

  /** Posts the waiting markers after the lines they cover. */
  private void releaseAwaiting() throws InterruptedException {
    if (awaitingEol.isEmpty()) {
      return;
    }
    flushBatch();
    Long v;
    while ((v = awaitingEol.pollFirst()) != null) {
      marker(v);
    }
  }

  private void marker(long version) {
    if (sinks.sender() != null) {
      sinks.sender().marker(target, version);
    }
  }

  /** The framer's sink: each line is copied into the batch once, from wherever the framer has it. */
  private final class BatchSink implements LineSink {
    @Override
    public void line(byte[] buf, int off, int len) {
      System.arraycopy(buf, off, batch, reserve(len), len);
      added(len);
    }

    @Override
    public void line(byte[] prefix, int prefixLen, byte[] text, int off, int len) {
      int at = reserve(prefixLen + len);
      System.arraycopy(prefix, 0, batch, at, prefixLen);
      System.arraycopy(text, off, batch, at + prefixLen, len);
      added(prefixLen + len);
    }
  }

  /** Room in the batch for a line of len bytes and its '\n'; where it starts. */
  private int reserve(int len) {
    if (batchLen + len + 1 > batch.length) {
      uninterruptibly(this::flushBatch);
    }
    lineStarts[batchLines % RECENT_LINES] = batchLen;
    return batchLen;
  }

  /** A line of len bytes was copied in at the batch's end. */
  private void added(int len) {
    batchLen += len;
    batch[batchLen++] = '\n';
    batchLines++;
    if (!awaitingEol.isEmpty()) {
      // the line a marker was waiting for is complete: the marker follows it
      uninterruptibly(this::releaseAwaiting);
    } else if (batchLines >= maxBatchLines || batchLen >= BATCH_BYTES) {
      uninterruptibly(this::flushBatch);
    }
  }

  private interface Step {
    void run() throws InterruptedException;
  }

  /** For the framer's callback, which cannot throw: an interrupt stops the task instead. */
  private void uninterruptibly(Step step) {
    try {
      step.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
    }
  }

  private void flushBatch() throws InterruptedException {
    if (batchLines == 0) {
      return;
    }
    keepRecent();
    if (sinks.files() != null) {
      sinks.files().append(target, batch, 0, batchLen);
    }
    // One read of the flag decides the batch: a switch between two reads could print it twice
    // or not at all.
    boolean streamed = sinks.sender() != null && sinks.sender().streaming();
    boolean quiet = sinks.quietWhileStreaming();
    if (!(streamed && quiet)) {
      writeConsole();
    }
    if (streamed && sinks.sender().send(target, Arrays.copyOf(batch, batchLen), batchLines)
        == LocalLogSender.Outcome.INACTIVE && quiet) {
      // The forwarder is gone (its client stopped before this tee was done): a local agent's
      // console is that client's terminal, so the lines still reach it, if without host and pid.
      writeConsole();
    }
    batchLen = 0;
    batchLines = 0;
  }

  private void writeConsole() {
    PrintStream console = sinks.console();
    if (console != null) {
      synchronized (console) {
        console.write(batch, 0, batchLen);
        console.flush();
      }
    }
  }

  /** Copies the batch's last lines (at most what {@link #recent} keeps) into it. */
  private void keepRecent() {
    for (int k = Math.max(0, batchLines - RECENT_LINES); k < batchLines; k++) {
      int start = lineStarts[k % RECENT_LINES];
      int end = k + 1 < batchLines ? lineStarts[(k + 1) % RECENT_LINES] : batchLen; // past its '\n'
      recent.add(batch, start, end - 1 - start);
    }
  }

  /** EOF (or abort): the final partial line, pending markers, then one Flush(empty). */
  private void end() {
    try {
      framer.finish();
      flushBatch();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("tee {} could not forward its last lines", task.getName(), e);
    }
    synchronized (endLock) {
      ended = true;
      Long waiting;
      while ((waiting = awaitingEol.pollFirst()) != null) {
        marker(waiting);
      }
      while (!due.isEmpty()) {
        marker(due.pollFirst()[0]);
      }
      Long v;
      while ((v = requested.poll()) != null) {
        marker(v);
      }
      if (sinks.sender() != null) {
        sinks.sender().end(target);
      }
    }
    if (sinks.files() != null) {
      sinks.files().close(target); // this tee's file, once it holds the stream's last line
    }
    try {
      pipe.close();
    } catch (IOException ignored) {
      // nothing left to read
    }
    done.complete(null);
  }
}
