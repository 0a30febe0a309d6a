package monarch.internal.logging;

import java.io.ByteArrayOutputStream;
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
import monarch.internal.logging.LogClientMessage.Drain;
import monarch.internal.logging.LogClientMessage.DrainTimedOut;
import monarch.internal.logging.LogClientMessage.StreamsEnded;
import monarch.internal.logging.LogClientMessage.FlushAck;
import monarch.internal.logging.LogClientMessage.FlushDone;
import monarch.internal.logging.LogClientMessage.FlushStarted;
import monarch.internal.logging.LogClientMessage.FlushTimedOut;
import monarch.internal.logging.LogClientMessage.Heartbeat;
import monarch.internal.logging.LogClientMessage.Log;
import monarch.internal.logging.LogClientMessage.SetAggregate;
import monarch.internal.logging.LogClientMessage.StartSyncFlush;
import monarch.internal.logging.LogClientMessage.WindowEnded;
import monarch.logging.OutputTarget;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
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
 * A finished barrier also completes every older one still open (its markers came first). Acks a
 * batch to its forwarder once printed or aggregated: that ack is the end-to-end back-pressure.
 * Memory: the aggregators' groups (capped per window) and one entry per open barrier.
 */
public final class LogClientActor {
  private static final Logger log = LoggerFactory.getLogger(LogClientActor.class);
  static final int MAX_GROUPS_PER_WINDOW = 1_000;
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final String WINDOW_TIMER = "window";

  private final TimerScheduler<LogClientMessage> timers;
  private final Map<OutputTarget, PrintStream> streams = new EnumMap<>(OutputTarget.class);
  private final Map<OutputTarget, Aggregator> aggregators = new EnumMap<>(OutputTarget.class);
  private final boolean ansi;
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

  private LogClientActor(TimerScheduler<LogClientMessage> timers, PrintStream out, PrintStream err,
      Integer windowSec) {
    this.timers = timers;
    streams.put(OutputTarget.STDOUT, out);
    streams.put(OutputTarget.STDERR, err);
    for (OutputTarget t : OutputTarget.values()) {
      aggregators.put(t, new Aggregator(MAX_GROUPS_PER_WINDOW));
    }
    this.windowSec = windowSec;
    this.ansi = System.console() != null && System.getenv("NO_COLOR") == null;
  }

  public static Behavior<LogClientMessage> create(PrintStream out, PrintStream err, Integer windowSec) {
    return Behaviors.withTimers(timers -> new LogClientActor(timers, out, err, windowSec).behavior());
  }

  private Behavior<LogClientMessage> behavior() {
    return Behaviors.receive(LogClientMessage.class)
        .onMessage(Log.class, this::onLog)
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
    if (windowSec == null) {
      printLines(m);
    } else {
      aggregate(m);
    }
    m.ackTo().tell(new LogForwardMessage.Ack(1));
    return Behaviors.same();
  }

  private void printLines(Log m) {
    byte[] header = header(m).getBytes(StandardCharsets.UTF_8);
    byte[] lines = m.lines();
    ByteArrayOutputStream buf = new ByteArrayOutputStream(lines.length + m.lineCount() * header.length);
    int start = 0;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i] == '\n') {
        buf.write(header, 0, header.length);
        buf.write(lines, start, i + 1 - start);
        start = i + 1;
      }
    }
    PrintStream ps = streams.get(m.target());
    ps.write(buf.toByteArray(), 0, buf.size());
    ps.flush();
  }

  /** "[host pid] ": what precedes each line the client prints on its own. */
  private static String header(Log m) {
    return "[" + m.hostname() + " " + m.pid() + "] ";
  }

  private void aggregate(Log m) {
    if (!windowOpen) {
      windowOpen = true;
      windowStartNanos = System.nanoTime();
      windowStart = LocalDateTime.now();
      timers.startSingleTimer(WINDOW_TIMER, new WindowEnded(++windowId), Duration.ofSeconds(windowSec));
    }
    Aggregator agg = aggregators.get(m.target());
    String all = new String(m.lines(), StandardCharsets.UTF_8);
    int start = 0;
    for (int i = all.indexOf('\n'); i >= 0; i = all.indexOf('\n', start)) {
      String line = all.substring(start, i);
      start = i + 1;
      if (!agg.add(line)) {
        // over the group cap: printed on its own, never dropped
        PrintStream ps = streams.get(m.target());
        ps.print(header(m) + line + "\n");
        ps.flush();
      }
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
    if (s.appliedTo() != null) {
      s.appliedTo().tell(new LogClientMessage.Applied());
    }
    return Behaviors.same();
  }

  /** Prints every pending group, stdout's then stderr's, each target as one block; once. */
  private void printAggregates() {
    timers.cancel(WINDOW_TIMER);
    if (!windowOpen) {
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
        sb.append(ansi ? "\u001b[33m" + count + "\u001b[0m" : count).append(' ').append(g.firstLine()).append('\n');
      }
      sb.append("<<< Aggregated Logs (").append(STAMP.format(LocalDateTime.now())).append(") <<<\n");
      PrintStream ps = streams.get(t);
      ps.print(sb);
      ps.flush();
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
      }
      b.replyTo.tell(new FlushDone(t.version(), List.copyOf(b.missing), List.copyOf(b.dead)));
    }
    return Behaviors.same();
  }
}
