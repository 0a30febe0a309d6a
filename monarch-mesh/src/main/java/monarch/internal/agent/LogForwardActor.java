package monarch.internal.agent;

import monarch.internal.protocol.LogClientMessage;
import monarch.internal.protocol.LogMessage;
import monarch.internal.protocol.LogForwardMessage;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import monarch.internal.capture.LocalLogSender;
import monarch.internal.protocol.LogForwardMessage.Ack;
import monarch.internal.protocol.LogForwardMessage.ForceSyncFlush;
import monarch.internal.protocol.LogForwardMessage.Heartbeat;
import monarch.internal.protocol.LogForwardMessage.ProcFlushed;
import monarch.internal.protocol.LogForwardMessage.SetMode;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One proc's forwarder, in its host agent: relays the tees' batches to the LogClientActor,
 * returns their permits to the LocalLogSender when the client has printed them, sets the
 * sender's streaming flag on SetMode (the tees send batches only while it is on, and decide per
 * batch, so a switch never loses or repeats one), and runs the proc's side of a barrier: ask
 * the proc to flush its own buffers, then ask both tees for a drain marker, and ack the version
 * to the client once both markers came through. Data and acks leave this one actor in order, so the client sees every
 * relayed batch before the ack that covers it. When both streams have ended it tells the client
 * (after the last batch); it lives until its mesh has stopped and both streams have ended, or
 * its client actor is gone. It never reads a pipe and never blocks.
 */
public final class LogForwardActor {
  static final Duration HEARTBEAT = Duration.ofSeconds(1);
  /** Where forwarders and client actors run (monarch-pekko.conf says why). */
  public static final DispatcherSelector DISPATCHER = DispatcherSelector.fromConfig("monarch.log-dispatcher");
  /** A proc that does not flush its buffers within this still gets its pipes drained. */
  static final long PROC_FLUSH_TIMEOUT_MILLIS = 1_000;
  private static final int STREAMS = 2;

  /** What the forwarder needs from its proc and tees. */
  public interface ProcControl {
    /** Asks the proc to flush its stdout/stderr buffers; completes when done or impossible. */
    CompletableFuture<Void> flushStreams();

    /** Asks both tees for a Flush(version) marker after every byte now in their pipes. */
    void requestDrain(long version);

    /** Whether the proc has ended in failure (an actor host that exited, or a non-zero status). */
    boolean failed();
  }

  /** Who the forwarder speaks for, as the client prints it. */
  public record Origin(String hostname, long pid, int rank) {}

  private final ActorContext<LogForwardMessage> ctx;
  private final Origin origin;
  private final ActorRef<LogClientMessage> client;
  private final LocalLogSender sender;
  private final ProcControl proc;
  /** Barrier version -> markers still to come (one per stream). */
  private final Map<Long, Integer> barriers = new HashMap<>();
  private int streamsEnded;
  /** Its mesh has stopped: it stops once both streams have ended (or after STOP_GRACE). */
  private boolean stopping;
  private final TimerScheduler<LogForwardMessage> timers;
  /**
   * How long a stopped mesh's forwarder still waits for its tees to finish while its client is
   * slow to print: longer than the client's own teardown waits (at most a minute, while it keeps
   * printing), since a client actor that stops stops the forwarder at once anyway.
   */
  static final Duration STOP_GRACE = Duration.ofSeconds(70);

  private LogForwardActor(ActorContext<LogForwardMessage> ctx, TimerScheduler<LogForwardMessage> timers,
      Origin origin, ActorRef<LogClientMessage> client, LocalLogSender sender, ProcControl proc) {
    this.ctx = ctx;
    this.timers = timers;
    this.origin = origin;
    this.client = client;
    this.sender = sender;
    this.proc = proc;
  }

  /**
   * The spawner sets the sender's first streaming flag and attaches {@code sender} to the new ref
   * before any tee starts.
   */
  public static Behavior<LogForwardMessage> create(Origin origin, ActorRef<LogClientMessage> client,
      LocalLogSender sender, ProcControl proc) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Heartbeat(), HEARTBEAT);
      ctx.watch(client); // nothing left to relay to once it is gone
      return new LogForwardActor(ctx, timers, origin, client, sender, proc).behavior();
    }));
  }

  private Behavior<LogForwardMessage> behavior() {
    return Behaviors.receive(LogForwardMessage.class)
        .onMessage(LogMessage.Log.class, this::onLog)
        .onMessage(LogMessage.Flush.class, this::onFlush)
        .onMessage(Ack.class, this::onAck)
        .onMessage(SetMode.class, this::onSetMode)
        .onMessage(ForceSyncFlush.class, this::onForceSyncFlush)
        .onMessage(ProcFlushed.class, this::onProcFlushed)
        .onMessage(Heartbeat.class, this::onHeartbeat)
        .onMessage(LogForwardMessage.Stop.class, this::onStop)
        .onSignal(Terminated.class, t -> Behaviors.stopped())
        .onSignal(PostStop.class, s -> {
          sender.deactivate();
          return Behaviors.same();
        })
        .build();
  }

  /**
   * A tee sent this batch while streaming was on (and kept it off a local console), so it goes
   * to the client even if streaming has been switched off since.
   */
  private Behavior<LogForwardMessage> onLog(LogMessage.Log log) {
    client.tell(new LogClientMessage.Log(origin.hostname(), origin.pid(), origin.rank(),
        log.target(), log.lines(), log.lineCount(), ctx.getSelf()));
    return Behaviors.same();
  }

  private Behavior<LogForwardMessage> onFlush(LogMessage.Flush flush) {
    if (flush.syncVersion().isPresent()) {
      long v = flush.syncVersion().getAsLong();
      Integer left = barriers.get(v);
      if (left != null) {
        if (left <= 1) {
          barriers.remove(v);
          client.tell(new LogClientMessage.FlushAck(v, origin.rank(), proc.failed()));
        } else {
          barriers.put(v, left - 1);
        }
      }
    }
    if (flush.syncVersion().isEmpty() && ++streamsEnded == STREAMS) {
      // Both streams ended and everything in them was relayed before this. The forwarder stays
      // until its mesh stops: later barriers are answered at once by the ended tees.
      client.tell(new LogClientMessage.StreamsEnded(origin.rank()));
      if (stopping) {
        return Behaviors.stopped();
      }
    }
    return Behaviors.same();
  }

  /**
   * The mesh has stopped. Stopping now would strand a tee that is still draining its pipe
   * (waiting for permits while the client catches up) and drop its last lines, so the forwarder
   * goes once both streams have ended; a second Stop (the grace timer) ends the wait.
   */
  private Behavior<LogForwardMessage> onStop(LogForwardMessage.Stop s) {
    if (stopping || streamsEnded == STREAMS) {
      return Behaviors.stopped();
    }
    stopping = true;
    timers.startSingleTimer(new LogForwardMessage.Stop(), STOP_GRACE);
    return Behaviors.same();
  }

  private Behavior<LogForwardMessage> onAck(Ack ack) {
    sender.acked(ack.batches());
    return Behaviors.same();
  }

  private Behavior<LogForwardMessage> onSetMode(SetMode m) {
    sender.setStreaming(m.streamToClient());
    return Behaviors.same();
  }

  private Behavior<LogForwardMessage> onForceSyncFlush(ForceSyncFlush f) {
    ctx.pipeToSelf(
        proc.flushStreams().orTimeout(PROC_FLUSH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS),
        (ok, err) -> new ProcFlushed(f.version()));
    return Behaviors.same();
  }

  private Behavior<LogForwardMessage> onProcFlushed(ProcFlushed p) {
    barriers.put(p.version(), STREAMS);
    proc.requestDrain(p.version());
    return Behaviors.same();
  }

  private Behavior<LogForwardMessage> onHeartbeat(Heartbeat h) {
    client.tell(new LogClientMessage.Heartbeat(origin.rank()));
    return Behaviors.same();
  }
}
