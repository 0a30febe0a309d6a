package monarch.internal.capture;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import monarch.config.LogPolicy;
import monarch.internal.protocol.LogMessage;
import monarch.logging.OutputTarget;

/**
 * The ordered, bounded hand-off from a proc's two tees to its LogForwardActor. A batch takes one of
 * {@code maxInFlight} permits, returned when downstream acknowledges it, so at most maxInFlight
 * batches of one proc are between its tees and the client. When none is free the policy decides:
 * BACKPRESSURE makes the tee wait (the proc's writes then block, as on a slow terminal; nothing is
 * lost), DROP discards the batch, counts its lines and reports {@code [N lines dropped]} in-band
 * before the next batch that gets through. Flush markers never wait and are never dropped. Once the
 * forwarder is gone the sender is inactive: every call returns at once and nothing is sent.
 */
public final class LocalLogSender {
  /** What became of a batch: handed on, dropped and counted (DROP), or nowhere to go. */
  public enum Outcome {
    SENT,
    DROPPED,
    INACTIVE
  }

  private volatile Consumer<LogMessage> downstream;
  private final LogPolicy policy;
  private final int maxInFlight;
  private final Semaphore permits;
  private final AtomicLongArray dropped = new AtomicLongArray(OutputTarget.values().length);
  private final byte[] droppedPrefix;
  private volatile boolean active = true;

  /** Drop notices sent without a permit whose acks must not release one. */
  private int unmetered;

  private volatile boolean streaming;

  /** A sender whose forwarder attaches later (see {@link #attach}). */
  public LocalLogSender(int maxInFlight, LogPolicy policy, byte[] rankPrefix) {
    this(m -> {}, maxInFlight, policy, rankPrefix);
  }

  public LocalLogSender(
      Consumer<LogMessage> downstream, int maxInFlight, LogPolicy policy, byte[] rankPrefix) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
    }
    this.downstream = downstream;
    this.policy = policy;
    this.maxInFlight = maxInFlight;
    this.permits = new Semaphore(maxInFlight);
    this.droppedPrefix = rankPrefix == null ? new byte[0] : rankPrefix;
  }

  /** Hands a batch on, or drops and counts it (DROP policy), or finds the forwarder gone. */
  public Outcome send(OutputTarget target, byte[] lines, int lineCount)
      throws InterruptedException {
    if (!active) {
      return Outcome.INACTIVE;
    }
    if (policy == LogPolicy.BACKPRESSURE) {
      permits.acquire();
      if (!active) {
        permits.release();
        return Outcome.INACTIVE;
      }
    } else if (!permits.tryAcquire()) {
      dropped.addAndGet(target.ordinal(), lineCount);
      return Outcome.DROPPED;
    }
    long lost = dropped.getAndSet(target.ordinal(), 0);
    if (lost > 0) {
      byte[] notice = dropNotice(lost);
      byte[] withNotice = new byte[notice.length + lines.length];
      System.arraycopy(notice, 0, withNotice, 0, notice.length);
      System.arraycopy(lines, 0, withNotice, notice.length, lines.length);
      lines = withNotice;
      lineCount++;
    }
    downstream.accept(new LogMessage.Log(target, lines, lineCount));
    return Outcome.SENT;
  }

  private byte[] dropNotice(long lost) {
    return (new String(droppedPrefix, StandardCharsets.UTF_8) + "[" + lost + " lines dropped]\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Posts barrier {@code version}'s marker after what was sent so far (see {@link #post}). */
  public void marker(OutputTarget target, long version) {
    post(target, new LogMessage.Marker(target, version));
  }

  /** Posts the end of {@code target}'s stream after what was sent so far (see {@link #post}). */
  public void end(OutputTarget target) {
    post(target, new LogMessage.StreamEnd(target));
  }

  /**
   * Posts a marker or the end of a stream; never blocks, never dropped. Drops not yet reported are
   * reported just before it, so a barrier or the end of a stream never hides them; that notice goes
   * out without a permit (one small batch per marker).
   */
  private void post(OutputTarget target, LogMessage marker) {
    if (!active) {
      return;
    }
    long lost = dropped.getAndSet(target.ordinal(), 0);
    if (lost > 0) {
      synchronized (this) {
        unmetered++;
      }
      downstream.accept(new LogMessage.Log(target, dropNotice(lost), 1));
    }
    downstream.accept(marker);
  }

  /** Downstream has dealt with {@code batches} batches: their permits come back. */
  public void acked(int batches) {
    int metered;
    synchronized (this) {
      int free = Math.min(batches, unmetered);
      unmetered -= free;
      metered = batches - free;
    }
    if (metered > 0) {
      permits.release(metered);
    }
  }

  /** Connects the forwarder; done before the tees start, so no message is sent before it. */
  public void attach(Consumer<LogMessage> forwarder) {
    this.downstream = forwarder;
  }

  /**
   * Whether the tees send their batches to the client; a tee reads it once per batch, and a local
   * agent's tee then keeps the batch off its console (the client's terminal). Set by the forwarder
   * on SetMode.
   */
  public boolean streaming() {
    return streaming;
  }

  public void setStreaming(boolean on) {
    streaming = on;
  }

  /** The forwarder is gone: skip from now on, and free a tee waiting for a permit. */
  public void deactivate() {
    active = false;
    permits.release(maxInFlight);
  }
}
