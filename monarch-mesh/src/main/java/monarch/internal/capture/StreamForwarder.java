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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import monarch.logging.OutputTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tee of one proc stream (stdout or stderr): one task that reads the pipe, frames lines ({@link
 * LineFramer}: rank prefix, UTF-8 repair, 4 KiB cap), batches them and writes each batch to the
 * proc's file, to the {@link LocalLogSender} while it streams, and to the host console (on a host
 * agent inside the client, only what it does not stream).
 *
 * <p>Waking. While data comes, the task reads what {@code available()} (FIONREAD) reports, under
 * its lock. Once the pipe has been empty for {@link #BLOCK_AFTER_NANOS} with nothing pending (no
 * marker owed, no unfinished line), it blocks in a plain read of the pipe, outside its lock, and
 * costs nothing until the proc writes again; until then, and whenever something is pending, it
 * parks briefly and is unparked by a drain request. Where the kernel cannot tell whether a thread
 * sleeps in a pipe read ({@link ReadWatch}), or without a retry scheduler, it never blocks and
 * parks with a backoff of at most {@link #MAX_IDLE_NANOS}.
 *
 * <p>Exact drain. A drain request's marker goes into the hand-off after every byte written to the
 * pipe before the request. Under the lock, bytes leave the pipe only as much as {@code available()}
 * says and are framed and handed off before the lock is released, so the task turns a request into
 * a marker due after {@code consumed + available()} bytes and places it at exactly that offset.
 * When the task is blocked in its read, the requester does the task's part: holding the lock, if
 * the pipe is empty and the task is asleep in the read (so the read has taken nothing yet), every
 * byte written so far has been framed and handed off, since the task blocks only with nothing
 * pending; the marker goes at once. If the task is on its way into or out of that read, the
 * requester tries again a moment later (the only waiting a request may cause); if the pipe holds
 * data, the task is waking up to it and takes the request itself. A flush's marker that falls
 * inside a line waits for that line's end, so a barrier never splits a line that is being written;
 * only a writer that has paused mid-line (the pipe stays empty {@link #PAUSE_NANOS}), or whose line
 * has not ended {@link #MAX_EOL_WAIT_NANOS} after the marker came due (a progress bar writing a dot
 * at a time), gets its partial line sent as a line before the marker. Those two are guesses from
 * timing, so a marker that needs no partial line (a mode switch: the line goes under the mode in
 * force when it ends) never waits and never splits: it goes after the whole lines. A request never
 * blocks its caller, even under back-pressure.
 *
 * <p>Batches: up to {@code maxBatchLines} lines or {@link #BATCH_BYTES} bytes, and whatever is
 * framed when the pipe runs empty goes at once. Memory per tee: one read buffer ({@link
 * #READ_BUFFER}), one batch buffer (BATCH_BYTES + one line), the framer's line buffer and the
 * {@link #RECENT_LINES} recent lines, copied once per batch (its last lines), not per line.
 *
 * <p>At EOF it forwards the final partial line, then its stream's end.
 */
public final class StreamForwarder {
  private static final Logger log = LoggerFactory.getLogger(StreamForwarder.class);
  static final int READ_BUFFER = 64 * 1024;
  static final int BATCH_BYTES = 64 * 1024;
  static final long MIN_IDLE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
  static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  /**
   * How long the pipe stays empty, with nothing pending, before the task blocks in a read: a writer
   * that is just descheduled for a moment (a loaded machine) finds the task still polling, so a
   * stream of lines costs one read per burst, not one wake-up per line.
   */
  static final long BLOCK_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  /** The longest park while only an unfinished line is pending (a prompt); a request unparks it. */
  static final long MAX_PARTIAL_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /**
   * A progress bar's states ({@code '\r'}) go out at most this often; the latest one waits, and
   * goes when the interval has passed with the pipe empty, at a barrier, or at the stream's end.
   */
  static final long STATE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  /** When a request came while the task was on its way into or out of a read. */
  static final long RETRY_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

  /** How soon a stop or end that could not reach the task is tried again. */
  private static final long WAKE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  static final int RECENT_LINES = 20;

  /**
   * Where the tee writes: the sender (batches to the client, while it is streaming), the proc's
   * files and the host console; any of them may be absent. {@code quietWhileStreaming}: the console
   * is the client's own terminal (a host agent inside the client), so a batch goes to one of the
   * two, never both.
   */
  public record Sinks(
      LocalLogSender sender,
      FileAppender files,
      PrintStream console,
      boolean quietWhileStreaming) {}

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

  /**
   * A marker asked for: whether it covers a line still unfinished when its bytes are in (a flush
   * shows what the proc wrote), or only the whole lines before it (a switch of mode).
   */
  private record Request(long version, boolean coversPartialLine) {}

  /** A request placed in the stream: its marker goes after the byte at {@code offset}. */
  private record Due(Request request, long offset) {}

  /** Requests not yet seen by the task; the task turns them into due markers. */
  private final Queue<Request> requested = new ConcurrentLinkedQueue<>();

  /** Markers the task owes, in order. Touched by the task only. */
  private final ArrayDeque<Due> due = new ArrayDeque<>();

  /**
   * Markers whose bytes are all framed but whose last line is unfinished; they wait for its '\n'.
   */
  private final ArrayDeque<Long> awaitingEol = new ArrayDeque<>();

  /**
   * How long the pipe must stay empty with a line unfinished before a waiting marker sends the
   * partial line as a line: long enough that a writer descheduled in the middle of a write (a
   * loaded machine) does not get its line split, short enough for a barrier after a print without a
   * newline.
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
  private final BatchSink batchSink = new BatchSink();

  /**
   * The latest state of a progress bar's line not sent yet (see STATE_INTERVAL_NANOS): at most one
   * line, replaced by every newer state, dropped by the line's end.
   */
  private final byte[] held;

  private int heldLen;
  private long lastStateNanos = System.nanoTime() - STATE_INTERVAL_NANOS;

  /** Guards the task's state below, the framer, the batch and the markers. */
  private final ReentrantLock lock = new ReentrantLock();

  private enum State {
    RUNNING,
    PARKED,
    READING
  }

  /** What the task does when it does not hold the lock; guarded by lock. */
  private State state = State.RUNNING;

  /** The task's own watch (set as it starts); null: it never blocks in a read. */
  private volatile ReadWatch watch;

  /** Where a request that came at the wrong moment is tried again; null: the task never blocks. */
  private final ScheduledExecutorService retries;

  /** Makes a blocked read return (a byte into the pipe, which the task then drops); or null. */
  private final Runnable wakeReader;

  /**
   * The proc is gone and so is every process of its group (its mesh stopped): whatever still holds
   * the pipe open (a daemon that left the group) is not the proc's, and the stream ends at the
   * first empty pipe instead of waiting for it.
   */
  private volatile boolean endWhenEmpty;

  /**
   * What lets a tee block in a read of its pipe: the pipe must be one whose {@code available()}
   * does not wait for that read (a FIFO read through a FileInputStream, not the JDK's process
   * streams); {@code retries} is a scheduler shared by the host's tees; {@code wakeReader} writes a
   * byte into the pipe, to make a blocked read return.
   */
  public record Blocking(ScheduledExecutorService retries, Runnable wakeReader) {}

  private volatile boolean stopped;
  private volatile Throwable failure;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final Thread task;

  /** A tee that never blocks in a read (it polls, with a backoff). */
  public StreamForwarder(
      String name,
      InputStream pipe,
      OutputTarget target,
      byte[] prefix,
      int maxBatchLines,
      BooleanSupplier writerAlive,
      Sinks sinks) {
    this(name, pipe, target, prefix, maxBatchLines, writerAlive, sinks, (Blocking) null);
  }

  /** {@code blocking}: how it may block in a read when idle (null: it never does). */
  public StreamForwarder(
      String name,
      InputStream pipe,
      OutputTarget target,
      byte[] prefix,
      int maxBatchLines,
      BooleanSupplier writerAlive,
      Sinks sinks,
      Blocking blocking) {
    this.retries = blocking == null ? null : blocking.retries();
    this.wakeReader = blocking == null ? null : blocking.wakeReader();
    this.pipe = pipe;
    this.target = target;
    this.writerAlive = writerAlive;
    this.sinks = sinks;
    this.maxBatchLines = maxBatchLines;
    this.framer = new LineFramer(LineFramer.MAX_LINE_SIZE, prefix, batchSink);
    this.batch = new byte[BATCH_BYTES + framer.bufferCapacity() + 1];
    this.held = new byte[framer.bufferCapacity()];
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
   * Asks for a {@code Flush(version)} marker after every byte written to the pipe before this call,
   * an unfinished last line included if {@code coversPartialLine}, else only the whole lines among
   * them. Never blocks; after EOF the marker is posted at once.
   */
  public void requestDrain(long version, boolean coversPartialLine) {
    synchronized (endLock) {
      if (ended) {
        marker(version);
        return;
      }
      requested.add(new Request(version, coversPartialLine));
    }
    serveIfIdle();
  }

  /**
   * Sees that the requests get served: a parked task is unparked; for a task asleep in its read of
   * an empty pipe the markers go now; a task on its way into or out of a read is asked again a
   * moment later. Never blocks (the lock is only tried). Whoever holds the lock instead sees to the
   * requests already queued: the task looks at them before it waits again (run), and every other
   * holder (a requester, a retry, {@link #wake}) either serves them, leaves them to the task, or
   * retries after letting go of the lock, so that its retry never finds it still held.
   */
  private void serveIfIdle() {
    while (!requested.isEmpty()) {
      if (!lock.tryLock()) {
        return;
      }
      boolean retry = false;
      boolean served = false;
      try {
        switch (state) {
          case PARKED -> LockSupport.unpark(task);
          case RUNNING -> {} // between two turns: it takes them before it waits again
          case READING -> {
            if (watch == null || pipe.available() > 0) {
              // a blocking read on the JDK's pipe (a proc that is gone), or a task waking up to
              // data: either way the task takes the requests after its read
            } else if (!watch.asleepInRead()) {
              retry = true; // on its way into or out of the read: not yet known what it took
            } else {
              Request r;
              while ((r = requested.poll()) != null) {
                // nothing pending, nothing taken: every byte so far is handed off
                marker(r.version());
              }
              served = true;
            }
          }
        }
      } catch (IOException e) {
        return; // the pipe is closing: the stream's end posts what is still requested
      } finally {
        lock.unlock();
      }
      if (served) {
        continue; // and again, for requests that came meanwhile
      }
      if (retry) {
        later(this::serveIfIdle, RETRY_NANOS);
      }
      return;
    }
  }

  private void later(Runnable step, long nanos) {
    try {
      retries.schedule(step, nanos, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException agentClosing) {
      // the host agent is stopping: the stream's end posts what is still requested
    }
  }

  /**
   * The proc and its whole process group are gone (its mesh stopped): the stream ends at the first
   * empty pipe, even if a process that left the group still holds it open; a tee asleep in its read
   * now is woken for it.
   */
  public void endWhenEmpty() {
    endWhenEmpty = true;
    wake();
  }

  /**
   * Makes sure the task sees {@code stopped} or {@code endWhenEmpty}: unparks it, or has its
   * blocked read return; a task on its way into or out of the read, or a lock held by someone else,
   * means trying again a moment later (until the task is out of its read for good).
   */
  private void wake() {
    LockSupport.unpark(task);
    if (wakeReader == null || done.isDone()) {
      return;
    }
    boolean retry = true;
    if (lock.tryLock()) {
      try {
        retry = state == State.READING && watch != null && !watch.asleepInRead();
        if (state == State.READING && watch != null && !retry) {
          wakeReader.run();
        }
      } finally {
        lock.unlock();
      }
    }
    if (retry) {
      // not urgent (the stream is ending), and the holder may be a tee under back-pressure for
      // as long as its client is slow: no need to ask thousands of times a second
      later(this::wake, WAKE_RETRY_NANOS);
    }
    serveIfIdle(); // requests that found this holding the lock
  }

  /** What {@link #abort()} returns: the recent lines, and how the task ended (null: cleanly). */
  public record AbortResult(List<String> recentLines, Throwable failure) {}

  /** Stops the task (waking or closing a read that is stuck); its recent lines and its outcome. */
  public AbortResult abort() {
    stopped = true;
    wake();
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
    watch = retries == null ? null : ReadWatch.forCurrentThread();
    long idle = MIN_IDLE_NANOS;
    try {
      while (!stopped) {
        State next;
        lock.lock();
        try {
          state = State.RUNNING;
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
            continue;
          }
          next = whenEmpty();
          state = next;
        } finally {
          lock.unlock();
        }
        if (next == null) {
          break; // (endWhenEmpty)
        }
        if (!requested.isEmpty()) {
          continue; // came while the lock was held: take them before waiting
        }
        if (next == State.READING) {
          // Blocks until the proc writes, or its pipe ends (also the rest of what a child of a
          // proc that is gone still writes); a request meanwhile is served by its requester.
          int n = pipe.read(readBuf, 0, readBuf.length);
          lock.lock();
          try {
            state = State.RUNNING;
            if (n < 0 || stopped || endWhenEmpty) {
              break; // (woken to stop: what came meanwhile is not the proc's, or not wanted)
            }
            process(n);
            idle = MIN_IDLE_NANOS;
            yielded = false;
            emptySince = 0;
          } finally {
            lock.unlock();
          }
        } else if (idle == MIN_IDLE_NANOS && !yielded) {
          // Just drained: the writer is likely runnable but waiting for this core (more tees
          // and procs than cores). Let it write before paying for a park.
          yielded = true;
          Thread.yield();
        } else {
          LockSupport.parkNanos(idle);
          idle =
              Math.min(
                  idle * 2, onlyPartialLinePending() ? MAX_PARTIAL_IDLE_NANOS : MAX_IDLE_NANOS);
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

  /**
   * The pipe is empty (under the lock): hands off what is framed, takes requests, sends a partial
   * line a marker has waited for long enough, and says how to wait: in a blocking read once nothing
   * is pending and the pipe has stayed empty a while (or the proc is gone, when the read returns
   * the end of the stream), otherwise parked; null once the stream is to end here (endWhenEmpty).
   */
  private State whenEmpty() throws IOException, InterruptedException {
    flushBatch();
    takeRequests();
    long now = System.nanoTime();
    if (emptySince == 0) {
      emptySince = now;
    }
    if (!awaitingEol.isEmpty()
        && (now - emptySince >= PAUSE_NANOS || now - awaitingSince >= MAX_EOL_WAIT_NANOS)) {
      // the writer stopped mid-line, or never ends it: the barrier covers the partial line as a
      // line
      framer.finish();
      releaseAwaiting();
    }
    if (heldLen > 0 && now - lastStateNanos >= STATE_INTERVAL_NANOS) {
      sendHeldState();
      flushBatch();
    }
    boolean writerGone = !writerAlive.getAsBoolean();
    if (writerGone && endWhenEmpty && due.isEmpty()) {
      return null; // everything the proc wrote is in; what still holds the pipe is not ours
    }
    if (writerGone && due.isEmpty() && awaitingEol.isEmpty()) {
      if (watch != null) {
        // The proc is gone: its unfinished line is as finished as it gets, so that the read
        // below (whose end a child may hold up) leaves nothing a requester must wait for.
        framer.finish();
        sendHeldState();
        flushBatch();
      }
      return State.READING;
    }
    boolean pending =
        !due.isEmpty()
            || !awaitingEol.isEmpty()
            || !requested.isEmpty()
            || framer.hasPartialLine()
            || heldLen > 0;
    return watch != null && !pending && now - emptySince >= BLOCK_AFTER_NANOS
        ? State.READING
        : State.PARKED;
  }

  /** Whether all the task waits for is the end of a line nobody asked a marker for (a prompt). */
  private boolean onlyPartialLinePending() {
    lock.lock();
    try {
      return due.isEmpty()
          && awaitingEol.isEmpty()
          && requested.isEmpty()
          && framer.hasPartialLine();
    } finally {
      lock.unlock();
    }
  }

  /** Frames n freshly read bytes, placing due markers exactly at their byte offsets. */
  private void process(int n) throws IOException, InterruptedException {
    int off = 0;
    long start = consumed;
    while (!due.isEmpty() && due.peekFirst().offset() <= start + n) {
      int upTo = (int) Math.max(0, due.peekFirst().offset() - start);
      if (upTo > off) {
        framer.feed(readBuf, off, upTo - off);
        off = upTo;
      }
      consumed = start + off;
      emitMarker(due.pollFirst().request());
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
    Request r;
    while ((r = requested.poll()) != null) {
      due.addLast(new Due(r, consumed + pipe.available()));
    }
    while (!due.isEmpty() && due.peekFirst().offset() <= consumed) {
      emitMarker(due.pollFirst().request());
    }
  }

  /**
   * Every byte before the marker is framed: post it, or let it wait for the end of its line. It
   * never overtakes a marker already waiting: the client takes a later barrier's marker as the end
   * of the earlier ones.
   */
  private void emitMarker(Request r) throws InterruptedException {
    boolean first = awaitingEol.isEmpty();
    if (first) {
      awaitingSince = System.nanoTime();
    }
    awaitingEol.addLast(r.version());
    if (!framer.hasPartialLine() || (first && !r.coversPartialLine())) {
      releaseAwaiting(); // (with the latest state of a progress bar, if one is held)
    }
  }

  /** Posts the waiting markers after the lines they cover. */
  private void releaseAwaiting() throws InterruptedException {
    if (awaitingEol.isEmpty()) {
      return;
    }
    sendHeldState();
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

  /**
   * The framer's sink: each line is copied into the batch once, from wherever the framer has it.
   */
  private final class BatchSink implements LineSink {
    @Override
    public void line(byte[] buf, int off, int len) {
      heldLen = 0; // a line supersedes any state of it still held
      System.arraycopy(buf, off, batch, reserve(len), len);
      added(len);
    }

    @Override
    public void line(byte[] prefix, int prefixLen, byte[] text, int off, int len) {
      heldLen = 0;
      int at = reserve(prefixLen + len);
      System.arraycopy(prefix, 0, batch, at, prefixLen);
      System.arraycopy(text, off, batch, at + prefixLen, len);
      added(prefixLen + len);
    }

    /**
     * A progress bar's state: sent if the last one went long enough ago, else held in place of the
     * last.
     */
    @Override
    public void state(byte[] buf, int off, int len) {
      long now = System.nanoTime();
      if (now - lastStateNanos >= STATE_INTERVAL_NANOS) {
        lastStateNanos = now;
        line(buf, off, len);
      } else {
        System.arraycopy(buf, off, held, 0, len);
        heldLen = len;
      }
    }
  }

  /** Sends the state held back, if any: the latest, when a barrier or the stream's end needs it. */
  private void sendHeldState() {
    if (heldLen > 0) {
      lastStateNanos = System.nanoTime();
      batchSink.line(held, 0, heldLen);
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
    if (streamed
        && sinks.sender().send(target, Arrays.copyOf(batch, batchLen), batchLines)
            == LocalLogSender.Outcome.INACTIVE
        && quiet) {
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
      sendHeldState(); // the final state of a progress bar that never ended its line
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
        marker(due.pollFirst().request().version());
      }
      Request r;
      while ((r = requested.poll()) != null) {
        marker(r.version());
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
