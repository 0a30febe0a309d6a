package monarch.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import monarch.internal.protocol.LogClientMessage;
import monarch.internal.protocol.LogClientMessage.Drained;
import monarch.internal.protocol.LogClientMessage.FlushDone;
import monarch.internal.protocol.LogClientMessage.ModeSet;
import monarch.internal.protocol.LogForwardMessage;
import monarch.logging.OutputTarget;
import monarch.logging.Similarity;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.testkit.ExplicitlyTriggeredScheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client actor's timers (aggregation window, barrier timeouts, the teardown drain's idle time)
 * on a manual clock: time moves only in {@link #pass}, so each deadline is checked to the
 * millisecond, before and at it, with no waiting.
 *
 * <p>Ordering is what makes a "nothing yet" check sound. ManualTime runs a due timer on the calling
 * thread, so its message is in the actor's mailbox before {@code timePasses} returns; a request
 * sent after it and answered (a {@link #barrier}) proves the actor has handled it. Every answer
 * goes to the one {@link #replies} probe, so an answer that should not have come yet arrives ahead
 * of the barrier's and fails the check.
 */
class LogClientActorTimersTest {
  // the client's settings (its Jackson bindings): surefire's serialize-messages=on serializes every
  // message
  static final ActorTestKit testKit =
      ActorTestKit.create(ManualTime.config().withFallback(ClientRuntime.config()));
  static final ManualTime time = ManualTime.get(testKit.system());
  static final ExplicitlyTriggeredScheduler scheduler =
      (ExplicitlyTriggeredScheduler) Adapter.toClassic(testKit.system()).scheduler();

  final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

  /** Every answer of the actor (FlushDone, ModeSet, Drained), in the order it sent them. */
  final TestProbe<Object> replies = testKit.createTestProbe();

  final TestProbe<LogForwardMessage> fwd0 = testKit.createTestProbe();
  final TestProbe<LogForwardMessage> fwd1 = testKit.createTestProbe();

  /**
   * Where relayed batches are acked: apart, so the forwarders see only barrier and mode traffic.
   */
  final TestProbe<LogForwardMessage> acks = testKit.createTestProbe();

  ActorRef<LogClientMessage> client;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void stopClient() {
    // its timers must not fire into a later test
    if (client != null) {
      testKit.stop(client);
    }
  }

  private void spawn(Integer windowSec) {
    // the actor's "now" is the manual scheduler's, as its timers' is (SetMode's deadline
    // arithmetic)
    client =
        testKit.spawn(
            LogClientActor.create(
                new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8),
                windowSec,
                Similarity.LEVENSHTEIN, // the seeds' format: each group's first line as it came
                new OutputLedger(),
                () -> TimeUnit.MILLISECONDS.toNanos(scheduler.currentTimeMs())));
    client.tell(new LogClientMessage.Attach(List.of(fwd0.ref(), fwd1.ref())));
  }

  /**
   * Moves the manual clock, running what falls due. ManualTime sleeps 100 ms per call: keep them
   * few.
   */
  private static void pass(Duration d) {
    time.timePasses(d);
  }

  private void log(int rank, OutputTarget target, String lines) {
    client.tell(
        new LogClientMessage.Log(
            "h",
            7,
            rank,
            target,
            lines.getBytes(StandardCharsets.UTF_8),
            (int) lines.chars().filter(c -> c == '\n').count(),
            acks.ref()));
  }

  /**
   * Returns once the actor has handled everything sent before: a barrier over no rank, which
   * answers at once and prints nothing. Not for a test with a barrier open (it would release it).
   */
  private void barrier() {
    client.tell(new LogClientMessage.Flush(List.of(), 60_000, false, replies.ref().narrow()));
    replies.expectMessageClass(FlushDone.class);
  }

  /** As {@link #barrier}, for tests with barriers open: a drain over no rank answers at once. */
  private void drainBarrier() {
    client.tell(new LogClientMessage.Drain(List.of(), 60_000, replies.ref().narrow()));
    replies.expectMessage(new Drained(List.of()));
  }

  /** Opens a barrier; returns the version the forwarders were asked for. */
  private long flush(List<Integer> ranks, long timeoutMillis) {
    client.tell(new LogClientMessage.Flush(ranks, timeoutMillis, false, replies.ref().narrow()));
    long v = -1;
    for (int rank : ranks) {
      v =
          (rank == 0 ? fwd0 : fwd1)
              .expectMessageClass(LogForwardMessage.ForceSyncFlush.class)
              .version();
    }
    return v;
  }

  /** What a forwarder does with its barrier's marker: acks the version. */
  private void ack(TestProbe<LogForwardMessage> fwd, int rank) {
    long v = fwd.expectMessageClass(LogForwardMessage.ForceSyncFlush.class).version();
    client.tell(new LogClientMessage.FlushAck(v, rank, false));
  }

  /** set_mode over rank 0, answered as its forwarder would; returns once it is in force. */
  private void setMode(Integer windowSec) {
    setMode(windowSec, null);
  }

  private void setMode(Integer windowSec, Similarity rule) {
    client.tell(
        new LogClientMessage.SetMode(
            true, windowSec, rule, List.of(0), 1_000, replies.ref().narrow()));
    ack(fwd0, 0);
    fwd0.expectMessage(new LogForwardMessage.SetMode(true));
    ack(fwd0, 0);
    replies.expectMessage(new ModeSet(List.of()));
  }

  /**
   * What was printed to {@code bytes}, with the blocks' wall-clock stamps and any colour codes
   * masked.
   */
  private static String printed(ByteArrayOutputStream bytes) {
    return bytes
        .toString(StandardCharsets.UTF_8)
        .replaceAll("\u001b\\[[0-9;]*m", "")
        .replaceAll("\\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\)", "(T)");
  }

  private static String block(String... groups) {
    return ">>> Aggregated Logs (T) >>>\n"
        + String.join("\n", groups)
        + "\n<<< Aggregated Logs (T) <<<\n";
  }

  // --- the aggregation window

  @Test
  void aWindowOpensAtItsFirstLineAndEndsExactlyWhenItsSecondsHavePassed() {
    spawn(5);
    pass(Duration.ofSeconds(3)); // no line yet, so no window: it is not a tick from the start
    log(0, OutputTarget.STDOUT, "[0] step 1 loss 0.51\n[0] step 1 loss 0.52\n[0] rank 0 ready\n");
    log(0, OutputTarget.STDERR, "[0] warning: slow disk\n");
    barrier();
    assertThat(printed(outBytes) + printed(errBytes)).as("aggregated, not streamed").isEmpty();

    pass(Duration.ofMillis(4_999));
    log(0, OutputTarget.STDOUT, "[0] step 1 loss 0.53\n"); // still inside: joins the window
    barrier();
    assertThat(printed(outBytes) + printed(errBytes)).as("1 ms before the window ends").isEmpty();

    pass(Duration.ofMillis(1));
    barrier();
    assertThat(printed(outBytes))
        .isEqualTo(
            block(
                "[3 similar log lines] [0] step 1 loss 0.51",
                "[1 similar log lines] [0] rank 0 ready"));
    assertThat(printed(errBytes)).isEqualTo(block("[1 similar log lines] [0] warning: slow disk"));

    // the next line opens a new window of its own, with only what came after the block
    log(0, OutputTarget.STDOUT, "[0] step 2 loss 0.40\n");
    barrier();
    pass(Duration.ofSeconds(5));
    barrier();
    assertThat(printed(outBytes))
        .isEqualTo(
            block(
                    "[3 similar log lines] [0] step 1 loss 0.51",
                    "[1 similar log lines] [0] rank 0 ready")
                + block("[1 similar log lines] [0] step 2 loss 0.40"));
  }

  @Test
  void setModeToAShorterWindowMovesTheOpenWindowsDeadlineToItsStartPlusTheNewLength() {
    spawn(10);
    log(0, OutputTarget.STDOUT, "[0] epoch 1\n");
    barrier();
    pass(Duration.ofSeconds(3));
    setMode(5); // the window opened 3 s ago now ends 5 s after it opened: 2 s from now
    assertThat(printed(outBytes)).as("the pending window still has 2 s").isEmpty();

    pass(Duration.ofMillis(1_999));
    barrier();
    assertThat(printed(outBytes)).as("1 ms before the new deadline").isEmpty();

    pass(Duration.ofMillis(1));
    barrier();
    assertThat(printed(outBytes)).isEqualTo(block("[1 similar log lines] [0] epoch 1"));
  }

  @Test
  void setModeToAWindowShorterThanTheOpenOneHasLastedEndsItAtOnce() {
    spawn(10);
    log(0, OutputTarget.STDOUT, "[0] epoch 1\n");
    barrier();
    pass(Duration.ofSeconds(6));
    setMode(5); // its deadline passed a second ago; no more time passes
    barrier();
    assertThat(printed(outBytes)).isEqualTo(block("[1 similar log lines] [0] epoch 1"));
  }

  @Test
  void setModeWithNoWindowPrintsWhatIsPendingBeforeItAnswersAndStreamsWhatComesAfter() {
    spawn(10);
    log(0, OutputTarget.STDOUT, "[0] epoch 1\n[0] epoch 2\n");
    barrier();
    setMode(null); // no time passes: not the window's end that prints it
    assertThat(printed(outBytes)).isEqualTo(block("[2 similar log lines] [0] epoch 1"));

    log(0, OutputTarget.STDOUT, "[0] epoch 3\n");
    barrier();
    assertThat(printed(outBytes))
        .isEqualTo(block("[2 similar log lines] [0] epoch 1") + "[h 7] [0] epoch 3\n");
  }

  @Test
  void setModeToAnotherRulePrintsWhatTheOldOneGroupedThenGroupsWithTheNewOne() {
    spawn(10); // LEVENSHTEIN
    log(0, OutputTarget.STDOUT, "[0] epoch 1\n[0] epoch 2\n");
    barrier();
    setMode(10, Similarity.TEMPLATE);
    assertThat(printed(outBytes)).isEqualTo(block("[2 similar log lines] [0] epoch 1"));

    log(0, OutputTarget.STDOUT, "[0] epoch 3\n[0] epoch 4\n");
    barrier();
    pass(Duration.ofSeconds(10));
    barrier();
    assertThat(printed(outBytes))
        .isEqualTo(
            block("[2 similar log lines] [0] epoch 1")
                + block("[2 similar log lines] [rank 0] epoch {3..4}"));

    setMode(10, Similarity.TEMPLATE); // the rule in force: nothing pending, nothing printed
    setMode(10, null);
    assertThat(printed(outBytes)).endsWith("epoch {3..4}\n<<< Aggregated Logs (T) <<<\n");
  }

  // --- barrier timeouts

  @Test
  void aRankThatNeverAcksIsAnsweredAsMissingExactlyAtTheTimeoutAndItsLateAckIsIgnored() {
    spawn(null);
    long v = flush(List.of(0, 1), 1_000);
    client.tell(new LogClientMessage.FlushAck(v, 0, false));

    pass(Duration.ofMillis(999));
    drainBarrier(); // the barrier's answer would have come first

    pass(Duration.ofMillis(1));
    replies.expectMessage(new FlushDone(v, List.of(1), List.of()));

    // the late ack of the timed-out barrier neither answers it again nor counts for a newer one
    long v2 = flush(List.of(1), 1_000);
    client.tell(new LogClientMessage.FlushAck(v, 1, false));
    drainBarrier();
    client.tell(new LogClientMessage.FlushAck(v2, 1, false));
    replies.expectMessage(new FlushDone(v2, List.of(), List.of()));
  }

  @Test
  void aNewerBarrierThatCompletesReleasesAnOlderOneBeforeItsTimeout() {
    spawn(null);
    long v1 = flush(List.of(0, 1), 5_000);
    client.tell(new LogClientMessage.FlushAck(v1, 0, false)); // rank 1's ack of v1 never comes
    long v2 = flush(List.of(0, 1), 5_000);
    client.tell(new LogClientMessage.FlushAck(v2, 0, false));
    drainBarrier(); // v2 still waits for rank 1, and so does v1
    client.tell(new LogClientMessage.FlushAck(v2, 1, false));
    // each rank's v1 marker came before its v2 marker, so v2 done means v1 is: oldest first
    replies.expectMessage(new FlushDone(v1, List.of(), List.of()));
    replies.expectMessage(new FlushDone(v2, List.of(), List.of()));

    pass(Duration.ofSeconds(5)); // v1's timeout would answer it a second time, naming rank 1
    drainBarrier();
  }

  /**
   * A newer barrier over fewer ranks (one died meanwhile) speaks for its own ranks only: the older
   * one still waits for the rank the newer did not cover, and times out naming it.
   */
  @Test
  void aNewerBarrierOverFewerRanksReleasesAnOlderOneOnlyForItsOwnRanks() {
    spawn(null);
    long v1 = flush(List.of(0, 1), 5_000);
    long v2 = flush(List.of(0), 5_000);
    client.tell(new LogClientMessage.FlushAck(v2, 0, false));
    replies.expectMessage(new FlushDone(v2, List.of(), List.of()));
    drainBarrier(); // v1 still waits for rank 1

    pass(Duration.ofSeconds(5));
    replies.expectMessage(new FlushDone(v1, List.of(1), List.of()));
  }

  // --- the teardown drain

  @Test
  void aDrainAnswersWhenEveryRankHasEndedPrintingWhatIsAggregatedFirst() {
    spawn(60);
    log(1, OutputTarget.STDOUT, "[1] last words\n");
    client.tell(new LogClientMessage.Drain(List.of(0, 1), 1_000, replies.ref().narrow()));
    client.tell(new LogClientMessage.StreamsEnded(0));
    barrier(); // rank 1 has not ended: the drain's answer would have come first
    assertThat(printed(outBytes)).isEmpty();

    client.tell(new LogClientMessage.StreamsEnded(1));
    replies.expectMessage(new Drained(List.of())); // no time passed
    assertThat(printed(outBytes)).isEqualTo(block("[1 similar log lines] [1] last words"));
  }

  @Test
  void aDrainWhoseRankNeverEndsAnswersAfterItsIdleTimeNamingIt() {
    spawn(null);
    client.tell(new LogClientMessage.Drain(List.of(0, 1), 500, replies.ref().narrow()));
    client.tell(new LogClientMessage.StreamsEnded(0));
    barrier();

    pass(Duration.ofMillis(499));
    barrier();

    pass(Duration.ofMillis(1));
    replies.expectMessage(new Drained(List.of(1)));
  }

  @Test
  void everyBatchDuringADrainRestartsItsIdleTime() {
    spawn(null);
    client.tell(new LogClientMessage.Drain(List.of(0), 500, replies.ref().narrow()));
    barrier();
    pass(Duration.ofMillis(300));
    log(0, OutputTarget.STDOUT, "[0] still going\n");
    barrier(); // the batch is in: the idle time now counts from here

    pass(Duration.ofMillis(499)); // 799 ms after the drain, 499 after the batch
    barrier();

    pass(Duration.ofMillis(1));
    replies.expectMessage(new Drained(List.of(0)));
    assertThat(printed(outBytes)).isEqualTo("[h 7] [0] still going\n");
  }
}
