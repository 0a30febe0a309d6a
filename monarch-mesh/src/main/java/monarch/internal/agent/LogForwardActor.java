package monarch.internal.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import monarch.internal.capture.LocalLogSender;
import monarch.internal.protocol.LogClientMessage;
import monarch.internal.protocol.LogForwardMessage;
import monarch.internal.protocol.LogForwardMessage.Ack;
import monarch.internal.protocol.LogForwardMessage.ForceSyncFlush;
import monarch.internal.protocol.LogForwardMessage.SetMode;
import monarch.internal.protocol.LogMessage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One proc's forwarder, in its host agent: relays the tees' batches to the LogClientActor, returns
 * their permits to the LocalLogSender when the client has written them, sets the sender's streaming
 * flag on SetMode (the tees send batches only while it is on, and decide per batch, so a switch
 * never loses or repeats one), and runs the proc's side of a barrier: ask the proc to flush its own
 * buffers, then ask both tees for a marker, and ack the version to the client once both markers
 * came through. Data and acks leave this one actor in order, so the client sees every relayed batch
 * before the ack that covers it. When both streams have ended it tells the client (after the last
 * batch); it lives until its mesh has stopped and both streams have ended, or its client actor is
 * gone. It never reads a pipe and never blocks.
 */
public final class LogForwardActor extends AbstractBehavior<LogForwardMessage> {
  static final Duration HEARTBEAT = Duration.ofSeconds(1);

  /** Where forwarders and client actors run (monarch-pekko.conf says why). */
  public static final DispatcherSelector DISPATCHER =
      DispatcherSelector.fromConfig("monarch.log-dispatcher");

  private static final int STREAMS = 2;

  /** What the forwarder needs from its proc and tees. */
  public interface ProcControl {
    /**
     * Asks the proc to flush its stdout/stderr buffers; completes when it has, or cannot (it has no
     * runtime, or has ended). A proc that never answers leaves it pending: its barriers then name
     * it as silent.
     */
    CompletableFuture<Void> flushStreams();

    /**
     * Asks both tees for a marker of {@code version} after every byte now in their pipes (an
     * unfinished line only if {@code coversPartialLine}).
     */
    void requestDrain(long version, boolean coversPartialLine);

    /** Whether the proc has ended in failure (an actor host that exited, or a non-zero status). */
    boolean failed();
  }

  /** Who the forwarder speaks for, as the client prints it. */
  public record Origin(String hostname, long pid, int rank) {}

  private record ProcFlushed() implements LogForwardMessage.Local {}

  private enum Tick implements LogForwardMessage.Local {
    HEARTBEAT
  }

  private final Origin origin;
  private final ActorRef<LogClientMessage> client;
  private final LocalLogSender sender;
  private final ProcControl proc;

  /** Barrier version -> markers still to come (one per stream). */
  private final Map<Long, Integer> barriers = new HashMap<>();

  /** Barriers the proc flush in progress covers (null: none in progress). */
  private List<ForceSyncFlush> flushing;

  /** Barriers requested since that flush was asked for: they need a flush of their own. */
  private List<ForceSyncFlush> nextFlush = new ArrayList<>();

  private int streamsEnded;

  /** Its mesh has stopped: it stops once both streams have ended. */
  private boolean stopping;

  private LogForwardActor(
      ActorContext<LogForwardMessage> ctx,
      Origin origin,
      ActorRef<LogClientMessage> client,
      LocalLogSender sender,
      ProcControl proc) {
    super(ctx);
    this.origin = origin;
    this.client = client;
    this.sender = sender;
    this.proc = proc;
  }

  /**
   * The spawner sets the sender's first streaming flag and attaches {@code sender} to the new ref
   * before any tee starts.
   */
  public static Behavior<LogForwardMessage> create(
      Origin origin, ActorRef<LogClientMessage> client, LocalLogSender sender, ProcControl proc) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(Tick.HEARTBEAT, HEARTBEAT);
                  ctx.watch(client); // nothing left to relay to once it is gone
                  return new LogForwardActor(ctx, origin, client, sender, proc);
                }));
  }

  @Override
  public Receive<LogForwardMessage> createReceive() {
    return newReceiveBuilder()
        .onMessage(LogMessage.Log.class, this::onLog)
        .onMessage(LogMessage.Marker.class, this::onMarker)
        .onMessage(LogMessage.StreamEnd.class, e -> onStreamEnd())
        .onMessage(Ack.class, this::onAck)
        .onMessage(SetMode.class, this::onSetMode)
        .onMessage(ForceSyncFlush.class, this::onForceSyncFlush)
        .onMessage(ProcFlushed.class, p -> onProcFlushed())
        .onMessageEquals(Tick.HEARTBEAT, this::onHeartbeat)
        .onMessage(LogForwardMessage.Stop.class, s -> onStop())
        .onSignal(Terminated.class, t -> Behaviors.stopped())
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  /**
   * A tee sent this batch while streaming was on (and kept it off a local console), so it goes to
   * the client even if streaming has been switched off since.
   */
  private Behavior<LogForwardMessage> onLog(LogMessage.Log log) {
    client.tell(
        new LogClientMessage.Log(
            origin.hostname(),
            origin.pid(),
            origin.rank(),
            log.target(),
            log.lines(),
            log.lineCount(),
            getContext().getSelf()));
    return this;
  }

  private Behavior<LogForwardMessage> onMarker(LogMessage.Marker m) {
    Integer left = barriers.get(m.version());
    if (left == null) {
      return this;
    }
    if (left <= 1) {
      barriers.remove(m.version());
      client.tell(new LogClientMessage.FlushAck(m.version(), origin.rank(), proc.failed()));
    } else {
      barriers.put(m.version(), left - 1);
    }
    return this;
  }

  private Behavior<LogForwardMessage> onStreamEnd() {
    if (++streamsEnded < STREAMS) {
      return this;
    }
    // Both streams ended and everything in them was relayed before this. The forwarder stays
    // until its mesh stops: later barriers are answered at once by the ended tees.
    client.tell(new LogClientMessage.StreamsEnded(origin.rank()));
    return stopping ? Behaviors.stopped() : this;
  }

  /**
   * The mesh has stopped. Stopping now would strand a tee that is still draining its pipe (waiting
   * for permits while the client catches up) and drop its last lines, so the forwarder goes once
   * both streams have ended, or when its client actor does.
   */
  private Behavior<LogForwardMessage> onStop() {
    stopping = true;
    return streamsEnded == STREAMS ? Behaviors.stopped() : this;
  }

  private Behavior<LogForwardMessage> onAck(Ack ack) {
    sender.acked(ack.batches());
    return this;
  }

  private Behavior<LogForwardMessage> onSetMode(SetMode m) {
    sender.setStreaming(m.streamToClient());
    return this;
  }

  private Behavior<LogForwardMessage> onForceSyncFlush(ForceSyncFlush f) {
    nextFlush.add(f);
    if (flushing == null) {
      askProcToFlush();
    }
    return this;
  }

  /** One flush of the proc's buffers at a time; it covers the versions requested before it. */
  private void askProcToFlush() {
    flushing = nextFlush;
    nextFlush = new ArrayList<>();
    getContext().pipeToSelf(proc.flushStreams(), (ok, err) -> new ProcFlushed());
  }

  private Behavior<LogForwardMessage> onProcFlushed() {
    for (ForceSyncFlush f : flushing) {
      barriers.put(f.version(), STREAMS);
      proc.requestDrain(f.version(), f.coversPartialLine());
    }
    flushing = null;
    if (!nextFlush.isEmpty()) {
      askProcToFlush();
    }
    return this;
  }

  private Behavior<LogForwardMessage> onHeartbeat() {
    client.tell(new LogClientMessage.Heartbeat(origin.rank()));
    return this;
  }

  private Behavior<LogForwardMessage> onPostStop() {
    sender.deactivate();
    return this;
  }
}
