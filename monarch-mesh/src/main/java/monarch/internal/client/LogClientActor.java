package monarch.internal.client;

import monarch.internal.protocol.LogClientMessage;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import monarch.internal.capture.LineFramer;
import monarch.internal.protocol.LogClientMessage.Drain;
import monarch.internal.protocol.LogClientMessage.DrainTimedOut;
import monarch.internal.protocol.LogClientMessage.StreamsEnded;
import monarch.internal.protocol.LogClientMessage.FlushAck;
import monarch.internal.protocol.LogClientMessage.FlushDone;
import monarch.internal.protocol.LogClientMessage.FlushStarted;
import monarch.internal.protocol.LogClientMessage.FlushTimedOut;
import monarch.internal.protocol.LogClientMessage.Heartbeat;
import monarch.internal.protocol.LogClientMessage.Log;
import monarch.internal.protocol.LogClientMessage.OutputDue;
import monarch.internal.protocol.LogClientMessage.SetAggregate;
import monarch.internal.protocol.LogClientMessage.StartSyncFlush;
import monarch.internal.protocol.LogClientMessage.WindowEnded;
import monarch.logging.OutputTarget;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one client-side log coordinator of a ProcMesh. Prints relayed lines as
 * {@code [host pid] line} on the client's stdout or stderr (by target) or, with an aggregation
 * window, groups them per target ({@link Aggregator}) and prints each window as a block. Runs
 * barriers: allocates versions, counts one ack per expected rank, prints what is aggregated when
 * the last ack arrives and only then answers, so the caller's return means it is on the terminal.
 * A finished barrier also completes every older one still open (its markers came first). What it
 * prints goes through {@link ClientOutput}: a burst of batches becomes one write, made when the
 * actor reaches the OutputDue it queued behind them, or before it answers anyone; the batches'
 * acks (the end-to-end back-pressure) leave right after that write. Memory: the aggregators'
 * groups (capped per window), the output buffers, and one entry per open barrier.
 */
public final class LogClientActor {
  private static final Logger log = LoggerFactory.getLogger(LogClientActor.class);
  static final int MAX_GROUPS_PER_WINDOW = 1_000;
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final String WINDOW_TIMER = "window";

  private final ActorContext<LogClientMessage> ctx;
  private final TimerScheduler<LogClientMessage> timers;
  private final ClientOutput out;
  /** An OutputDue is in the mailbox: the buffered output is written when it comes up. */
  private boolean outputDue;
  /** "[host pid] " per rank (one proc each; pids alone may repeat across hosts), as bytes. */
  private final Map<Integer, byte[]> headers = new HashMap<>();
  private final Map<OutputTarget, Aggregator> aggregators = new EnumMap<>(OutputTarget.class);
  /** The targets whose group counts are coloured: each a terminal, and NO_COLOR unset. */
  private final Set<OutputTarget> coloured = java.util.EnumSet.noneOf(OutputTarget.class);
  private Integer windowSec;
  private long windowId;
  private boolean windowOpen;
  private long windowStartNanos;
  private LocalDateTime windowStart;
  private long nextVersion;
  private final TreeMap<Long, Barrier> barriers = new TreeMap<>();
  private final Map<Integer, Long> lastHeard = new HashMap<>();
  private final Set<Integer> ended = new java.util.HashSet<>();
  /** Teardown drains waiting for ranks' StreamsEnded, by id. */
  private final Map<Long, Drain> drains = new HashMap<>();
  private final AtomicLong handled;
  private long nextDrainId;

  private static final class Barrier {
    final Set<Integer> missing;
    final Set<Integer> dead = new java.util.TreeSet<>();
    final boolean print;
    final ActorRef<FlushDone> replyTo;

    Barrier(List<Integer> expected, boolean print, ActorRef<FlushDone> replyTo) {
      this.missing = new LinkedHashSet<>(expected);
      this.print = print;
      this.replyTo = replyTo;
    }
  }

  private LogClientActor(ActorContext<LogClientMessage> ctx, TimerScheduler<LogClientMessage> timers,
      PrintStream out, PrintStream err, Integer windowSec, AtomicLong handled) {
    this.ctx = ctx;
    this.timers = timers;
    this.handled = handled;
    this.out = new ClientOutput(out, err);
    for (OutputTarget t : OutputTarget.values()) {
      aggregators.put(t, new Aggregator(MAX_GROUPS_PER_WINDOW));
    }
    this.windowSec = windowSec;
    if (System.getenv("NO_COLOR") == null) {
      for (OutputTarget t : OutputTarget.values()) {
        if (isTerminal(t == OutputTarget.STDOUT ? 1 : 2)) {
          coloured.add(t);
        }
      }
    }
  }

  public static Behavior<LogClientMessage> create(PrintStream out, PrintStream err, Integer windowSec) {
    return create(out, err, windowSec, new AtomicLong());
  }

  /** {@code handled}: counts the batches it takes in, so its mesh can tell a slow client from a stuck one. */
  public static Behavior<LogClientMessage> create(PrintStream out, PrintStream err, Integer windowSec,
      AtomicLong handled) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(
        timers -> new LogClientActor(ctx, timers, out, err, windowSec, handled).behavior()));
  }

  private Behavior<LogClientMessage> behavior() {
    return Behaviors.receive(LogClientMessage.class)
        .onMessage(Log.class, this::onLog)
        .onMessage(OutputDue.class, d -> {
          outputDue = false;
          out.flush();
          return Behaviors.same();
        })
        .onMessage(FlushAck.class, this::onFlushAck)
        .onMessage(Heartbeat.class, h -> {
          lastHeard.put(h.rank(), System.nanoTime());
          return Behaviors.same();
        })
        .onMessage(SetAggregate.class, this::onSetAggregate)
        .onMessage(StartSyncFlush.class, this::onStartSyncFlush)
        .onMessage(FlushTimedOut.class, this::onFlushTimedOut)
        .onMessage(WindowEnded.class, w -> {
          if (w.windowId() == windowId) {
            printAggregates();
          }
          return Behaviors.same();
        })
        .onMessage(LogClientMessage.Shutdown.class, s -> {
          printAggregates();
          // a barrier still open can no longer complete: its caller learns who did not ack
          barriers.forEach((v, b) -> b.replyTo.tell(
              new FlushDone(v, List.copyOf(b.missing), List.copyOf(b.dead))));
          barriers.clear();
          return Behaviors.stopped();
        })
        .onMessage(StreamsEnded.class, e -> {
          ended.add(e.rank());
          finishDrains(false);
          return Behaviors.same();
        })
        .onMessage(Drain.class, d -> {
          long id = ++nextDrainId;
          drains.put(id, d);
          timers.startSingleTimer("drain-" + id, new DrainTimedOut(id), Duration.ofMillis(d.timeoutMillis()));
          finishDrains(false);
          return Behaviors.same();
        })
        .onMessage(DrainTimedOut.class, t -> {
          Drain d = drains.remove(t.drainId());
          if (d != null) {
            finishDrain(d);
          }
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<LogClientMessage> onLog(Log m) {
    lastHeard.put(m.rank(), System.nanoTime());
    handled.incrementAndGet();
    // a drain waits while lines still come: its timeout counts from the last batch
    drains.forEach((id, d) -> timers.startSingleTimer("drain-" + id, new DrainTimedOut(id),
        Duration.ofMillis(d.timeoutMillis())));
    if (windowSec == null) {
      out.appendLines(m.target(), header(m), m.lines());
    } else {
      aggregate(m);
    }
    out.owe(m.ackTo());
    if (!outputDue) {
      // behind every message already queued: one write (and one ack per forwarder) per burst
      outputDue = true;
      ctx.getSelf().tell(new OutputDue());
    }
    return Behaviors.same();
  }

  /** "[host pid] ": what precedes each line the client prints on its own. */
  private byte[] header(Log m) {
    return headers.computeIfAbsent(m.rank(),
        rank -> ("[" + m.hostname() + " " + m.pid() + "] ").getBytes(StandardCharsets.UTF_8));
  }

  private void aggregate(Log m) {
    if (!windowOpen) {
      windowOpen = true;
      windowStartNanos = System.nanoTime();
      windowStart = LocalDateTime.now();
      timers.startSingleTimer(WINDOW_TIMER, new WindowEnded(++windowId), Duration.ofSeconds(windowSec));
    }
    Aggregator agg = aggregators.get(m.target());
    byte[] lines = m.lines();
    for (int start = 0; start < lines.length; ) {
      int lf = LineFramer.indexOfLf(lines, start, lines.length);
      int end = lf < 0 ? lines.length : lf; // a batch always ends in '\n'; be safe if not
      if (!agg.add(lines, start, end - start)) {
        // over the group cap: printed on its own, never dropped
        out.appendLines(m.target(), header(m), lines, start, Math.min(end + 1, lines.length));
      }
      start = end + 1;
    }
  }

  private Behavior<LogClientMessage> onSetAggregate(SetAggregate s) {
    Integer w = s.windowSec();
    if (w == null) {
      printAggregates();
    } else if (windowOpen) {
      long remaining = windowStartNanos + Duration.ofSeconds(w).toNanos() - System.nanoTime();
      timers.startSingleTimer(WINDOW_TIMER, new WindowEnded(++windowId),
          Duration.ofNanos(Math.max(0, remaining)));
    }
    windowSec = w;
    out.flush();
    if (s.appliedTo() != null) {
      s.appliedTo().tell(new LogClientMessage.Applied());
    }
    return Behaviors.same();
  }

  /**
   * Prints every pending group, stdout's then stderr's, each target as one block, once; then
   * writes out everything buffered, so a caller answered after this has it on the terminal.
   */
  private void printAggregates() {
    timers.cancel(WINDOW_TIMER);
    if (!windowOpen) {
      out.flush();
      return;
    }
    windowOpen = false;
    for (OutputTarget t : OutputTarget.values()) {
      Aggregator agg = aggregators.get(t);
      if (agg.isEmpty()) {
        continue;
      }
      StringBuilder sb = new StringBuilder();
      sb.append(">>> Aggregated Logs (").append(STAMP.format(windowStart)).append(") >>>\n");
      for (Aggregator.Group g : agg.drain()) {
        String count = "[" + g.count() + " similar log lines]";
        sb.append(coloured.contains(t) ? "\u001b[33m" + count + "\u001b[0m" : count).append(' ').append(g.firstLine()).append('\n');
      }
      sb.append("<<< Aggregated Logs (").append(STAMP.format(LocalDateTime.now())).append(") <<<\n");
      out.append(t, sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    out.flush();
  }

  /**
   * Whether this process's fd 1 or 2 is a terminal, per stream (so {@code 2>errors.log} gets no
   * colour codes). Where /proc is missing, System.console() (stdin and stdout both terminals)
   * stands in for both.
   */
  static boolean isTerminal(int fd) {
    try {
      String to = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd)).toString();
      return to.startsWith("/dev/pts/") || to.startsWith("/dev/tty") || to.equals("/dev/console");
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }

  private void finishDrains(boolean all) {
    for (Map.Entry<Long, Drain> e : new ArrayList<>(drains.entrySet())) {
      if (all || ended.containsAll(e.getValue().ranks())) {
        drains.remove(e.getKey());
        timers.cancel("drain-" + e.getKey());
        finishDrain(e.getValue());
      }
    }
  }

  private void finishDrain(Drain d) {
    printAggregates();
    List<Integer> missing = d.ranks().stream().filter(r -> !ended.contains(r)).toList();
    d.replyTo().tell(new FlushDone(-1, missing, List.of()));
  }

  private Behavior<LogClientMessage> onStartSyncFlush(StartSyncFlush s) {
    long v = ++nextVersion;
    barriers.put(v, new Barrier(s.expectedRanks(), s.print(), s.replyTo()));
    s.versionTo().tell(new FlushStarted(v));
    timers.startSingleTimer("flush-" + v, new FlushTimedOut(v), Duration.ofMillis(s.timeoutMillis()));
    if (s.expectedRanks().isEmpty()) {
      complete(v);
    }
    return Behaviors.same();
  }

  private Behavior<LogClientMessage> onFlushAck(FlushAck a) {
    lastHeard.put(a.rank(), System.nanoTime());
    Barrier b = barriers.get(a.version());
    if (b == null) {
      log.debug("ack of barrier {} from rank {} with no such barrier open (stale); ignored",
          a.version(), a.rank());
      return Behaviors.same();
    }
    if (b.missing.remove(a.rank()) && a.procFailed()) {
      b.dead.add(a.rank());
    }
    if (b.missing.isEmpty()) {
      complete(a.version());
    }
    return Behaviors.same();
  }

  /** Barrier v is complete: print (if any of them asks), then release it and every older one. */
  private void complete(long v) {
    List<Map.Entry<Long, Barrier>> released = new ArrayList<>(barriers.headMap(v, true).entrySet());
    if (released.stream().anyMatch(e -> e.getValue().print)) {
      printAggregates();
    } else {
      out.flush();
    }
    for (Map.Entry<Long, Barrier> e : released) {
      barriers.remove(e.getKey());
      timers.cancel("flush-" + e.getKey());
      e.getValue().replyTo.tell(new FlushDone(e.getKey(), List.of(), List.copyOf(e.getValue().dead)));
    }
  }

  private Behavior<LogClientMessage> onFlushTimedOut(FlushTimedOut t) {
    Barrier b = barriers.remove(t.version());
    if (b != null) {
      long now = System.nanoTime();
      log.warn("barrier {} timed out; no ack from ranks {} (last heard from them {})", t.version(),
          b.missing, b.missing.stream().map(r -> lastHeard.containsKey(r)
              ? (now - lastHeard.get(r)) / 1_000_000 + " ms ago" : "never").toList());
      if (b.print) {
        printAggregates();
      } else {
        out.flush();
      }
      b.replyTo.tell(new FlushDone(t.version(), List.copyOf(b.missing), List.copyOf(b.dead)));
    }
    return Behaviors.same();
  }
}
