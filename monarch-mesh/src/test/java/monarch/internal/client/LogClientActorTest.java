package monarch.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import monarch.internal.aggregate.Aggregator;
import monarch.internal.aggregate.NaiveAggregator;
import monarch.internal.protocol.LogClientMessage;
import monarch.internal.protocol.LogForwardMessage;
import monarch.logging.OutputTarget;
import monarch.logging.Similarity;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/**
 * The client actor on its own, fed relayed batches directly (the mesh tests drive it through real
 * procs): what it prints when the aggregation window's group cap overflows, its acks, and that
 * streamed output is written with no barrier behind it.
 */
class LogClientActorTest {
  static final ActorSystem<Void> system = ClientRuntime.system();

  @Test
  void linesOverTheGroupCapArePrintedOnTheirOwnAndEveryBatchIsAcked() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ActorRef<LogClientMessage> client =
        system.systemActorOf(
            LogClientActor.create(out, out, 60, Similarity.LEVENSHTEIN),
            "log-client-overflow",
            Props.empty());
    AtomicInteger acked = new AtomicInteger();
    ActorRef<LogForwardMessage> fwd = ackCounter("fwd-overflow", acked);

    // lines with random 32-digit ids: nearly all found a group of their own, so the cap overflows
    int cap = LogClientActor.MAX_GROUPS_PER_WINDOW;
    int total = cap + 150;
    SplittableRandom rnd = new SplittableRandom(7);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      lines.add(
          "[0] request "
              + Long.toHexString(rnd.nextLong())
              + Long.toHexString(rnd.nextLong())
              + " done");
    }
    // what the rule says: the reference aggregator's groups and overflow lines
    NaiveAggregator naive = new NaiveAggregator(cap);
    List<String> overflow =
        lines.stream().filter(l -> !naive.add(l)).map(l -> "[h 7] " + l).toList();
    List<Aggregator.Group> groups = naive.drain();
    assertThat(overflow).hasSizeGreaterThan(100);
    int batches = 0;
    for (int from = 0; from < total; from += 100) {
      StringBuilder b = new StringBuilder();
      lines.subList(from, Math.min(total, from + 100)).forEach(l -> b.append(l).append('\n'));
      client.tell(
          new LogClientMessage.Log(
              "h",
              7,
              0,
              OutputTarget.STDOUT,
              b.toString().getBytes(StandardCharsets.UTF_8),
              Math.min(100, total - from),
              fwd));
      batches++;
    }
    AskPattern.<LogClientMessage, LogClientMessage.FlushDone>ask(
            client,
            replyTo -> new LogClientMessage.Flush(List.of(), 5_000, true, replyTo),
            java.time.Duration.ofSeconds(10),
            system.scheduler())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    String printed = bytes.toString(StandardCharsets.UTF_8);
    List<String> single = printed.lines().filter(l -> l.startsWith("[h 7] ")).toList();
    List<String> grouped = printed.lines().filter(l -> l.contains("similar log lines]")).toList();
    // the groups in the block; the lines that could join none printed on their own, in order
    assertThat(grouped)
        .containsExactlyElementsOf(
            groups.stream()
                .map(g -> "[" + g.count() + " similar log lines] " + g.firstLine())
                .toList());
    assertThat(single).containsExactlyElementsOf(overflow);
    int sent = batches;
    await().atMost(5, TimeUnit.SECONDS).until(() -> acked.get() == sent);
  }

  /**
   * Output is buffered per burst and written when the actor reaches the OutputDue it queued behind
   * the burst. Nothing else comes here: if that self-message were lost, these lines would wait in
   * the buffer for the next barrier, which a quiet job may never send.
   */
  @Test
  void aStreamedBatchIsWrittenAndAckedWithNoBarrierBehindIt() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    ActorRef<LogClientMessage> client =
        system.systemActorOf(
            LogClientActor.create(out, err, null, Similarity.TEMPLATE),
            "log-client-due",
            Props.empty());
    AtomicInteger acked = new AtomicInteger();
    ActorRef<LogForwardMessage> fwd = ackCounter("fwd-due", acked);

    client.tell(
        new LogClientMessage.Log(
            "h",
            7,
            0,
            OutputTarget.STDOUT,
            "[0] one\n[0] two\n".getBytes(StandardCharsets.UTF_8),
            2,
            fwd));
    client.tell(
        new LogClientMessage.Log(
            "h", 7, 0, OutputTarget.STDERR, "[0] oops\n".getBytes(StandardCharsets.UTF_8), 1, fwd));

    await().atMost(5, TimeUnit.SECONDS).until(() -> acked.get() == 2);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("[h 7] [0] one\n[h 7] [0] two\n");
    assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEqualTo("[h 7] [0] oops\n");
  }

  /**
   * A reader that pauses longer than the drain's idle time while the last batches wait behind that
   * write: the drain waits for them (the procs' batches come only after the acks that write
   * releases), and every line is printed. The pause is the scenario: a pager held a moment.
   */
  @Test
  void aDrainWaitsForAReaderThatPausesLongerThanItsIdleTime() throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.util.concurrent.atomic.AtomicBoolean paused =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    java.io.OutputStream pager =
        new java.io.OutputStream() {
          @Override
          public synchronized void write(byte[] b, int off, int len) {
            if (paused.getAndSet(false)) {
              try {
                Thread.sleep(1_500);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            bytes.write(b, off, len);
          }

          @Override
          public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
          }
        };
    PrintStream out = new PrintStream(pager, true, StandardCharsets.UTF_8);
    ActorRef<LogClientMessage> client =
        system.systemActorOf(
            LogClientActor.create(out, out, null, Similarity.TEMPLATE),
            "log-client-paused-reader",
            Props.empty());
    int total = 5;
    AtomicInteger sent = new AtomicInteger(1);
    java.util.concurrent.atomic.AtomicReference<ActorRef<LogForwardMessage>> self =
        new java.util.concurrent.atomic.AtomicReference<>();
    ActorRef<LogForwardMessage> fwd =
        system.systemActorOf(
            Behaviors.receiveMessage(
                m -> {
                  if (m
                      instanceof
                      LogForwardMessage.Ack) { // one permit: the next batch only once acked
                    int n = sent.incrementAndGet();
                    client.tell(
                        n <= total ? line(n, self.get()) : new LogClientMessage.StreamsEnded(0));
                  }
                  return Behaviors.same();
                }),
            "fwd-paused-reader",
            Props.empty());
    self.set(fwd);
    CompletableFuture<LogClientMessage.Drained> drained =
        AskPattern.<LogClientMessage, LogClientMessage.Drained>ask(
                client,
                r -> new LogClientMessage.Drain(List.of(0), 1_000, r),
                java.time.Duration.ofSeconds(30),
                system.scheduler())
            .toCompletableFuture();
    client.tell(line(1, fwd));
    assertThat(drained.get(30, TimeUnit.SECONDS).unended()).isEmpty();
    synchronized (pager) {
      assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).hasSize(total);
    }
  }

  static LogClientMessage.Log line(int n, ActorRef<LogForwardMessage> fwd) {
    return new LogClientMessage.Log(
        "h",
        7,
        0,
        OutputTarget.STDOUT,
        ("[0] line " + n + "\n").getBytes(StandardCharsets.UTF_8),
        1,
        fwd);
  }

  /** A stand-in forwarder that adds up the batches the client acks. */
  private static ActorRef<LogForwardMessage> ackCounter(String name, AtomicInteger acked) {
    return system.systemActorOf(
        Behaviors.receiveMessage(
            m -> {
              if (m instanceof LogForwardMessage.Ack a) {
                acked.addAndGet(a.batches());
              }
              return Behaviors.same();
            }),
        name,
        Props.empty());
  }
}
