package monarch.internal.client;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import monarch.internal.aggregate.LevenshteinAggregator;
import monarch.internal.aggregate.LineAggregator;
import monarch.internal.aggregate.TemplateAggregator;
import monarch.internal.capture.LineFramer;
import monarch.internal.protocol.LogClientMessage;
import monarch.internal.protocol.LogClientMessage.Attach;
import monarch.internal.protocol.LogClientMessage.Drain;
import monarch.internal.protocol.LogClientMessage.Drained;
import monarch.internal.protocol.LogClientMessage.Flush;
import monarch.internal.protocol.LogClientMessage.FlushAck;
import monarch.internal.protocol.LogClientMessage.FlushDone;
import monarch.internal.protocol.LogClientMessage.Heartbeat;
import monarch.internal.protocol.LogClientMessage.Log;
import monarch.internal.protocol.LogClientMessage.ModeSet;
import monarch.internal.protocol.LogClientMessage.SelfMessage;
import monarch.internal.protocol.LogClientMessage.SetMode;
import monarch.internal.protocol.LogClientMessage.StreamsEnded;
import monarch.internal.protocol.LogForwardMessage;
import monarch.logging.OutputTarget;
import monarch.logging.Similarity;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one client-side log coordinator of a ProcMesh, and the one registry of its forwarders. Prints
 * relayed lines as {@code [host pid] line} on the client's stdout or stderr (by target) or, with an
 * aggregation window, groups them per target ({@link Aggregator}) and prints each window as a
 * block. Runs barriers: allocates versions, sends each expected forwarder its marker request,
 * counts one ack per rank, prints what is aggregated when the last ack arrives and only then
 * answers, so the caller's return means it is on the terminal. A finished barrier also completes
 * every older one still open (its markers came first). Runs set_mode's exact switch (barrier,
 * streaming to every forwarder, barrier, window) and the teardown drain. What it prints goes
 * through {@link ClientOutput}: a burst of batches becomes one write, made when the actor reaches
 * the OutputDue it queued behind them, or before it answers anyone; the batches' acks (the
 * end-to-end back-pressure) leave right after that write. Memory: the aggregators' groups (capped
 * per window), the output buffers, and one entry per open barrier or drain.
 */
public final class LogClientActor extends AbstractBehavior<LogClientMessage> {
  private static final Logger log = LoggerFactory.getLogger(LogClientActor.class);
  static final int MAX_GROUPS_PER_WINDOW = 1_000;
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final String WINDOW_TIMER = "window";

  /** Write out what is buffered (queued behind a burst of Logs). */
  private enum OutputDue implements SelfMessage {
    INSTANCE
  }

  /** The window of the pending aggregate ended. */
  private record WindowEnded(long windowId) implements SelfMessage {}

  /** A barrier's time ran out. */
  private record FlushTimedOut(long version) implements SelfMessage {}

  /** A drain saw no batch for its idle time. */
  private record DrainIdle(long drainId) implements SelfMessage {}

  private final TimerScheduler<LogClientMessage> timers;
  private final ClientOutput out;
  private final OutputLedger ledger;

  /** Monotonic nanoseconds: where the window's deadline arithmetic reads "now". */
  private final LongSupplier nanoClock;

  /** An OutputDue is in the mailbox: the buffered output is written when it comes up. */
  private boolean outputDue;

  /** Index = rank; empty until the mesh's procs are ready. */
  private List<ActorRef<LogForwardMessage>> forwarders = List.of();

  /** "[host pid] " per rank (one proc each; pids alone may repeat across hosts), as bytes. */
  private final Map<Integer, byte[]> headers = new HashMap<>();

  private final Map<OutputTarget, LineAggregator> aggregators = new EnumMap<>(OutputTarget.class);

  /** The targets whose group counts are coloured: each a terminal, and NO_COLOR unset. */
  private final Set<OutputTarget> coloured = EnumSet.noneOf(OutputTarget.class);

  private Integer windowSec;
  private Similarity rule;
  private long windowId;
  private boolean windowOpen;
  private long windowStartNanos;
  private LocalDateTime windowStart;
  private long nextVersion;
  private final TreeMap<Long, Barrier> barriers = new TreeMap<>();
  private final Map<Integer, Long> lastHeard = new HashMap<>();
  private final Set<Integer> ended = new HashSet<>();

  /** Teardown drains waiting for ranks' StreamsEnded, by id. */
  private final Map<Long, Drain> drains = new HashMap<>();

  private long nextDrainId;

  /** Shutting down: a barrier opened now (by a set_mode step) ends at once, unconfirmed. */
  private boolean stopping;

  /** An open barrier: who has not acked, who acked as dead, and what to do when it ends. */
  private static final class Barrier {
    final List<Integer> expected;
    final Set<Integer> missing;
    final Set<Integer> dead = new TreeSet<>();
    final boolean print;
    final Consumer<FlushDone> onDone;

    Barrier(List<Integer> expected, boolean print, Consumer<FlushDone> onDone) {
      this.expected = List.copyOf(expected);
      this.missing = new LinkedHashSet<>(expected);
      this.print = print;
      this.onDone = onDone;
    }
  }

  private LogClientActor(
      ActorContext<LogClientMessage> ctx,
      TimerScheduler<LogClientMessage> timers,
      PrintStream out,
      PrintStream err,
      Integer windowSec,
      Similarity rule,
      OutputLedger ledger,
      LongSupplier nanoClock) {
    super(ctx);
    this.timers = timers;
    this.ledger = ledger;
    this.nanoClock = nanoClock;
    this.out = new ClientOutput(out, err, ledger, nanoClock);
    useRule(rule);
    this.windowSec = windowSec;
    if (System.getenv("NO_COLOR") == null) {
      for (OutputTarget t : OutputTarget.values()) {
        if (isTerminal(t == OutputTarget.STDOUT ? 1 : 2)) {
          coloured.add(t);
        }
      }
    }
  }

  public static Behavior<LogClientMessage> create(
      PrintStream out, PrintStream err, Integer windowSec, Similarity rule) {
    return create(out, err, windowSec, rule, new OutputLedger());
  }

  /**
   * Aggregates with {@code rule} until a SetMode changes it; {@code ledger}: where it counts the
   * lines it takes in and writes, and says if output fails.
   */
  public static Behavior<LogClientMessage> create(
      PrintStream out, PrintStream err, Integer windowSec, Similarity rule, OutputLedger ledger) {
    return create(out, err, windowSec, rule, ledger, System::nanoTime);
  }

  /**
   * As above, with {@code nanoClock} as "now" ({@code System::nanoTime} there). Pekko's Scheduler
   * tells no time, so a test on a manual scheduler passes that scheduler's clock; with the wall
   * clock, a window that SetMode shortens would end by real time, not by the test's.
   */
  static Behavior<LogClientMessage> create(
      PrintStream out,
      PrintStream err,
      Integer windowSec,
      Similarity rule,
      OutputLedger ledger,
      LongSupplier nanoClock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new LogClientActor(ctx, timers, out, err, windowSec, rule, ledger, nanoClock)));
  }

  @Override
  public Receive<LogClientMessage> createReceive() {
    return newReceiveBuilder()
        .onMessage(Log.class, this::onLog)
        .onMessage(OutputDue.class, d -> onOutputDue())
        .onMessage(FlushAck.class, this::onFlushAck)
        .onMessage(Heartbeat.class, h -> heard(h.rank()))
        .onMessage(StreamsEnded.class, this::onStreamsEnded)
        .onMessage(Attach.class, this::onAttach)
        .onMessage(Flush.class, this::onFlush)
        .onMessage(SetMode.class, this::onSetMode)
        .onMessage(FlushTimedOut.class, this::onFlushTimedOut)
        .onMessage(WindowEnded.class, this::onWindowEnded)
        .onMessage(Drain.class, this::onDrain)
        .onMessage(DrainIdle.class, this::onDrainIdle)
        .onMessage(LogClientMessage.Shutdown.class, s -> onShutdown())
        .build();
  }

  private Behavior<LogClientMessage> heard(int rank) {
    lastHeard.put(rank, nanoClock.getAsLong());
    return this;
  }

  private Behavior<LogClientMessage> onAttach(Attach a) {
    forwarders = List.copyOf(a.forwarders());
    return this;
  }

  private Behavior<LogClientMessage> onLog(Log m) {
    heard(m.rank());
    ledger.received(m.lineCount());
    // a drain waits while lines still come: its idle time counts from the last batch
    drains.keySet().forEach(this::startDrainTimer);
    if (windowSec == null) {
      out.appendLines(m.target(), header(m), m.lines());
    } else {
      aggregate(m);
    }
    out.owe(m.ackTo());
    if (!outputDue) {
      // behind every message already queued: one write (and one ack per forwarder) per burst
      outputDue = true;
      getContext().getSelf().tell(OutputDue.INSTANCE);
    }
    return this;
  }

  private Behavior<LogClientMessage> onOutputDue() {
    outputDue = false;
    out.flush();
    return this;
  }

  /** "[host pid] ": what precedes each line the client prints on its own. */
  private byte[] header(Log m) {
    return headers.computeIfAbsent(
        m.rank(),
        rank -> ("[" + m.hostname() + " " + m.pid() + "] ").getBytes(StandardCharsets.UTF_8));
  }

  private void aggregate(Log m) {
    if (!windowOpen) {
      windowOpen = true;
      windowStartNanos = nanoClock.getAsLong();
      windowStart = LocalDateTime.now();
      timers.startSingleTimer(
          WINDOW_TIMER, new WindowEnded(++windowId), Duration.ofSeconds(windowSec));
    }
    LineAggregator agg = aggregators.get(m.target());
    byte[] lines = m.lines();
    for (int start = 0; start < lines.length; ) {
      int lf = LineFramer.indexOfLf(lines, start, lines.length);
      int end = lf < 0 ? lines.length : lf; // a batch always ends in '\n'; be safe if not
      if (!agg.add(m.rank(), lines, start, end - start)) {
        // over the group cap: printed on its own, never dropped
        out.appendLines(m.target(), header(m), lines, start, Math.min(end + 1, lines.length));
      }
      start = end + 1;
    }
  }

  private Behavior<LogClientMessage> onWindowEnded(WindowEnded w) {
    if (w.windowId() == windowId) {
      printAggregates();
    }
    return this;
  }

  /** Groups with {@code r} from now (the aggregators are empty: none yet, or just printed). */
  private void useRule(Similarity r) {
    rule = r;
    for (OutputTarget t : OutputTarget.values()) {
      aggregators.put(
          t,
          r == Similarity.LEVENSHTEIN
              ? new LevenshteinAggregator(MAX_GROUPS_PER_WINDOW)
              : new TemplateAggregator(MAX_GROUPS_PER_WINDOW));
    }
  }

  /**
   * The window in force from now; pending groups print first when it goes, a shorter one tightens
   * the deadline.
   */
  private void applyWindow(Integer w) {
    if (w == null) {
      printAggregates();
    } else if (windowOpen) {
      long remaining = windowStartNanos + Duration.ofSeconds(w).toNanos() - nanoClock.getAsLong();
      timers.startSingleTimer(
          WINDOW_TIMER, new WindowEnded(++windowId), Duration.ofNanos(Math.max(0, remaining)));
    }
    windowSec = w;
    out.flush();
  }

  /**
   * Prints every pending group, stdout's then stderr's, each target as one block, once; then writes
   * out everything buffered, so a caller answered after this has it on the terminal.
   */
  private void printAggregates() {
    timers.cancel(WINDOW_TIMER);
    if (!windowOpen) {
      out.flush();
      return;
    }
    windowOpen = false;
    for (OutputTarget t : OutputTarget.values()) {
      LineAggregator agg = aggregators.get(t);
      if (agg.isEmpty()) {
        continue;
      }
      StringBuilder sb = new StringBuilder();
      sb.append(">>> Aggregated Logs (").append(STAMP.format(windowStart)).append(") >>>\n");
      long lines = 0;
      for (LineAggregator.Summary g : agg.drain()) {
        String count = "[" + g.count() + " similar log lines]";
        sb.append(coloured.contains(t) ? "\u001b[33m" + count + "\u001b[0m" : count)
            .append(' ')
            .append(g.text())
            .append('\n');
        lines += g.count();
      }
      sb.append("<<< Aggregated Logs (")
          .append(STAMP.format(LocalDateTime.now()))
          .append(") <<<\n");
      out.append(t, sb.toString().getBytes(StandardCharsets.UTF_8), lines);
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
      String to =
          java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd))
              .toString();
      return to.startsWith("/dev/pts/") || to.startsWith("/dev/tty") || to.equals("/dev/console");
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }

  // --- barriers

  private Behavior<LogClientMessage> onFlush(Flush f) {
    startBarrier(f.expectedRanks(), f.timeoutMillis(), f.print(), true, f.replyTo()::tell);
    return this;
  }

  /**
   * Opens barrier v over {@code expected}: each of their forwarders is asked for its marker (after
   * an unfinished line too if {@code coversPartialLine}).
   */
  private void startBarrier(
      List<Integer> expected,
      long timeoutMillis,
      boolean print,
      boolean coversPartialLine,
      Consumer<FlushDone> onDone) {
    long v = ++nextVersion;
    if (stopping) {
      onDone.accept(new FlushDone(v, List.copyOf(expected), List.of()));
      return;
    }
    barriers.put(v, new Barrier(expected, print, onDone));
    timers.startSingleTimer("flush-" + v, new FlushTimedOut(v), Duration.ofMillis(timeoutMillis));
    for (int rank : expected) {
      if (rank >= 0 && rank < forwarders.size()) {
        forwarders.get(rank).tell(new LogForwardMessage.ForceSyncFlush(v, coversPartialLine));
      }
    }
    if (expected.isEmpty()) {
      complete(v);
    }
  }

  private Behavior<LogClientMessage> onFlushAck(FlushAck a) {
    heard(a.rank());
    Barrier b = barriers.get(a.version());
    if (b == null) {
      log.debug(
          "ack of barrier {} from rank {} with no such barrier open (stale); ignored",
          a.version(),
          a.rank());
      return this;
    }
    if (b.missing.remove(a.rank()) && a.procFailed()) {
      b.dead.add(a.rank());
    }
    if (b.missing.isEmpty()) {
      complete(a.version());
    }
    return this;
  }

  /**
   * Barrier v is complete. Its ranks' markers for every older barrier came before theirs for v, so
   * those ranks are done with the older ones too: an older barrier that waited for nothing else is
   * complete as well. Prints (if any of the released asks), then answers them, oldest first.
   */
  private void complete(long v) {
    Barrier done = barriers.get(v);
    List<Map.Entry<Long, Barrier>> released = new ArrayList<>();
    for (Map.Entry<Long, Barrier> e : barriers.headMap(v, true).entrySet()) {
      Barrier older = e.getValue();
      for (int rank : done.expected) {
        if (older.missing.remove(rank) && done.dead.contains(rank)) {
          older.dead.add(rank);
        }
      }
      if (older.missing.isEmpty()) {
        released.add(e);
      }
    }
    if (released.stream().anyMatch(e -> e.getValue().print)) {
      printAggregates();
    } else {
      out.flush();
    }
    for (Map.Entry<Long, Barrier> e : released) {
      barriers.remove(e.getKey());
      timers.cancel("flush-" + e.getKey());
      e.getValue()
          .onDone
          .accept(new FlushDone(e.getKey(), List.of(), List.copyOf(e.getValue().dead)));
    }
  }

  private Behavior<LogClientMessage> onFlushTimedOut(FlushTimedOut t) {
    Barrier b = barriers.remove(t.version());
    if (b != null) {
      long now = nanoClock.getAsLong();
      // the caller learns which ranks; the times are for whoever reads the debug log
      log.debug(
          "barrier {} timed out; no ack from ranks {} (last heard from them {})",
          t.version(),
          b.missing,
          b.missing.stream()
              .map(
                  r ->
                      lastHeard.containsKey(r)
                          ? (now - lastHeard.get(r)) / 1_000_000 + " ms ago"
                          : "never")
              .toList());
      if (b.print) {
        printAggregates();
      } else {
        out.flush();
      }
      b.onDone.accept(new FlushDone(t.version(), List.copyOf(b.missing), List.copyOf(b.dead)));
    }
    return this;
  }

  // --- set_mode

  /**
   * The exact switch: lines written before it are handled under the old mode (a first barrier),
   * then every forwarder switches, and a second barrier makes sure the switch is in force before
   * the window changes and the caller hears back. Markers queue behind the switch at each
   * forwarder, so once the second barrier is done, what procs write next follows the new mode. The
   * unit is the line: neither barrier splits one, and a line unfinished at the switch goes under
   * the mode in force when it ends.
   */
  private Behavior<LogClientMessage> onSetMode(SetMode m) {
    Set<Integer> silent = new TreeSet<>();
    startBarrier(
        m.liveRanks(),
        m.stepMillis(),
        false,
        false,
        before -> {
          silent.addAll(before.missingRanks());
          forwarders.forEach(f -> f.tell(new LogForwardMessage.SetMode(m.streamToClient())));
          startBarrier(
              m.liveRanks(),
              m.stepMillis(),
              false,
              false,
              after -> {
                silent.addAll(after.missingRanks());
                if (m.similarity() != null && m.similarity() != rule) {
                  printAggregates(); // what the old rule grouped, before the new one groups
                  useRule(m.similarity());
                }
                applyWindow(m.windowSec());
                m.replyTo().tell(new ModeSet(List.copyOf(silent)));
              });
        });
    return this;
  }

  // --- teardown

  private Behavior<LogClientMessage> onStreamsEnded(StreamsEnded e) {
    ended.add(e.rank());
    finishDrains();
    return this;
  }

  private Behavior<LogClientMessage> onDrain(Drain d) {
    long id = ++nextDrainId;
    drains.put(id, d);
    startDrainTimer(id);
    finishDrains();
    return this;
  }

  private void startDrainTimer(long id) {
    timers.startSingleTimer(
        "drain-" + id, new DrainIdle(id), Duration.ofMillis(drains.get(id).idleMillis()));
  }

  /**
   * No batch came for the drain's idle time, unless this actor spent it blocked in a write (a
   * reader that paused): the procs' next batches wait for the acks that write released, so the idle
   * time counts again from when the write returned.
   */
  private Behavior<LogClientMessage> onDrainIdle(DrainIdle t) {
    Drain d = drains.get(t.drainId());
    if (d == null) {
      return this;
    }
    long sinceWrite = nanoClock.getAsLong() - out.lastWriteNanos();
    long idle = Duration.ofMillis(d.idleMillis()).toNanos();
    if (sinceWrite < idle) {
      timers.startSingleTimer(
          "drain-" + t.drainId(), new DrainIdle(t.drainId()), Duration.ofNanos(idle - sinceWrite));
      return this;
    }
    drains.remove(t.drainId());
    finishDrain(d);
    return this;
  }

  private void finishDrains() {
    for (Map.Entry<Long, Drain> e : new ArrayList<>(drains.entrySet())) {
      if (ended.containsAll(e.getValue().ranks())) {
        drains.remove(e.getKey());
        timers.cancel("drain-" + e.getKey());
        finishDrain(e.getValue());
      }
    }
  }

  private void finishDrain(Drain d) {
    printAggregates();
    d.replyTo().tell(new Drained(d.ranks().stream().filter(r -> !ended.contains(r)).toList()));
  }

  private Behavior<LogClientMessage> onShutdown() {
    stopping = true;
    printAggregates();
    // a barrier still open can no longer complete: its caller learns who did not ack
    List<Map.Entry<Long, Barrier>> open = new ArrayList<>(barriers.entrySet());
    barriers.clear();
    open.forEach(
        e ->
            e.getValue()
                .onDone
                .accept(
                    new FlushDone(
                        e.getKey(),
                        List.copyOf(e.getValue().missing),
                        List.copyOf(e.getValue().dead))));
    return Behaviors.stopped();
  }
}
