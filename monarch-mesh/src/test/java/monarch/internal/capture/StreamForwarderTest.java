package monarch.internal.capture;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import monarch.config.LogPolicy;
import monarch.internal.protocol.LogMessage;
import monarch.logging.OutputTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tees on the pipes of real child processes. */
class StreamForwarderTest {
  static final byte[] PREFIX = "[3] ".getBytes(StandardCharsets.UTF_8);

  static Process sh(String script) throws IOException {
    return new ProcessBuilder("sh", "-c", script).start();
  }

  static StreamForwarder tee(
      Process p, OutputTarget t, TestForwarder fwd, LocalLogSender sender, FileAppender files) {
    fwd.sender = sender;
    return new StreamForwarder(
            "tee-" + t,
            t == OutputTarget.STDOUT ? p.getInputStream() : p.getErrorStream(),
            t,
            PREFIX,
            100,
            p::isAlive,
            new StreamForwarder.Sinks(sender, files, null, false))
        .start();
  }

  /** A sender streaming to {@code fwd} (as a forwarder sets it when the client streams). */
  static LocalLogSender sender(TestForwarder fwd, int inFlight, LogPolicy policy) {
    LocalLogSender sender = new LocalLogSender(fwd, inFlight, policy, PREFIX);
    sender.setStreaming(true);
    return sender;
  }

  @Test
  void childOutputArrivesInOrderPerStreamInBatchesAndInFiles(@TempDir Path dir) throws Exception {
    Process p =
        sh(
            "i=0; while [ $i -lt 3000 ]; do echo \"out $i\"; echo \"err $i\" >&2; i=$((i+1)); done; printf 'tail'");
    FileAppender files = FileAppender.create(dir, null, "rank3", "host");
    TestForwarder fwd = new TestForwarder();
    LocalLogSender sender = sender(fwd, 8, LogPolicy.BACKPRESSURE);
    StreamForwarder out = tee(p, OutputTarget.STDOUT, fwd, sender, files);
    StreamForwarder err = tee(p, OutputTarget.STDERR, fwd, sender, files);
    out.done().get();
    err.done().get();
    files.close();

    List<String> expectedOut =
        new ArrayList<>(IntStream.range(0, 3000).mapToObj(i -> "[3] out " + i).toList());
    expectedOut.add("[3] tail"); // the partial last line, forwarded at EOF
    List<String> expectedErr = IntStream.range(0, 3000).mapToObj(i -> "[3] err " + i).toList();
    assertThat(fwd.lines(OutputTarget.STDOUT)).isEqualTo(expectedOut);
    assertThat(fwd.lines(OutputTarget.STDERR)).isEqualTo(expectedErr);
    assertThat(fwd.received)
        .filteredOn(m -> m instanceof LogMessage.Log l && l.lineCount() > 100)
        .isEmpty();
    // exactly one end-of-stream Flush per stream, and it comes last for its stream
    assertThat(fwd.received)
        .filteredOn(m -> m instanceof LogMessage.StreamEnd)
        .containsExactlyInAnyOrder(
            new LogMessage.StreamEnd(OutputTarget.STDOUT),
            new LogMessage.StreamEnd(OutputTarget.STDERR));
    assertThat(Files.readAllLines(files.path(OutputTarget.STDOUT))).isEqualTo(expectedOut);
    assertThat(Files.readAllLines(files.path(OutputTarget.STDERR))).isEqualTo(expectedErr);
    assertThat(files.path(OutputTarget.STDOUT).getFileName().toString())
        .matches("rank3_host_[0-9a-f]{8}\\.stdout");
    for (OutputTarget t : OutputTarget.values()) { // private whatever the umask
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.path(t))))
          .isEqualTo("rw-------");
    }
    assertThat(out.peek())
        .hasSize(StreamForwarder.RECENT_LINES)
        .endsWith("[3] out 2999", "[3] tail");
  }

  /** The recent lines are the last ones of the stream, empty lines included, however batched. */
  @Test
  void peekHoldsTheLastLinesIncludingEmptyOnes() throws Exception {
    Process p = sh("i=0; while [ $i -lt 25 ]; do echo \"l$i\"; echo; i=$((i+1)); done; echo last");
    TestForwarder fwd = new TestForwarder();
    LocalLogSender sender = sender(fwd, 8, LogPolicy.BACKPRESSURE);
    fwd.sender = sender;
    StreamForwarder out =
        new StreamForwarder(
                "tee-plain",
                p.getInputStream(),
                OutputTarget.STDOUT,
                new byte[0],
                7,
                p::isAlive,
                new StreamForwarder.Sinks(sender, null, null, false))
            .start();
    out.done().get();
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      all.add("l" + i);
      all.add("");
    }
    all.add("last");
    assertThat(fwd.lines(OutputTarget.STDOUT)).isEqualTo(all);
    assertThat(out.peek())
        .isEqualTo(all.subList(all.size() - StreamForwarder.RECENT_LINES, all.size()));
  }

  /**
   * The child echoes each request to stdout, then acknowledges it on stderr (read directly by the
   * test). Once the test has seen the ack, the stdout bytes are in the pipe, so a drain requested
   * then must place its marker after them: checked on every round, with no sleeps.
   */
  @Test
  void drainMarkerAlwaysFollowsBytesWrittenBeforeTheRequest() throws Exception {
    Process p =
        sh(
            "while read x; do case $x in p*) printf '%s' \"$x\";; *) echo \"$x\";; esac; echo ok >&2; done");
    TestForwarder fwd = new TestForwarder();
    StreamForwarder out =
        tee(p, OutputTarget.STDOUT, fwd, sender(fwd, 4, LogPolicy.BACKPRESSURE), null);
    Writer stdin = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
    BufferedReader acks =
        new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    int rounds = 400;
    for (int v = 1; v <= rounds; v++) {
      String token = (v % 5 == 0 ? "p" : "l") + v; // every 5th round is a partial line
      stdin.write(token + "\n");
      stdin.flush();
      assertThat(acks.readLine()).isEqualTo("ok");
      out.requestDrain(v, true);
      awaitMarker(fwd, v);
      List<String> lines = linesBeforeMarker(fwd, v);
      assertThat(lines).as("round %d", v).endsWith("[3] " + token);
    }
    p.getOutputStream().close();
    out.done().get();
  }

  @Test
  void barriersDuringAStreamNeverSplitALine() throws Exception {
    String text =
        "a line written in big buffered chunks, so chunk ends fall inside lines: 0123456789abcdef";
    int total = 300_000;
    Process p = sh("yes '" + text + "' | head -n " + total);
    TestForwarder fwd = new TestForwarder();
    StreamForwarder out =
        tee(p, OutputTarget.STDOUT, fwd, sender(fwd, 8, LogPolicy.BACKPRESSURE), null);
    long version = 0;
    while (!out.done().isDone()) {
      long v = ++version;
      out.requestDrain(v, true);
      awaitMarker(fwd, v);
    }
    assertThat(version).as("barriers requested while the stream ran").isGreaterThan(3);
    List<String> lines = fwd.lines(OutputTarget.STDOUT);
    assertThat(lines).hasSize(total).allMatch(l -> l.equals("[3] " + text));
  }

  static List<String> linesBeforeMarker(TestForwarder fwd, long version) {
    List<String> lines = new ArrayList<>();
    for (LogMessage m : fwd.received) {
      if (m instanceof LogMessage.Marker f && f.version() == version) {
        return lines;
      }
      if (m instanceof LogMessage.Log l) {
        String s = new String(l.lines(), StandardCharsets.UTF_8);
        lines.addAll(List.of(s.substring(0, s.length() - 1).split("\n", -1)));
      }
    }
    throw new AssertionError("no marker " + version);
  }

  @Test
  void abortStopsATeeWhoseWriterIsStillAliveAndReturnsItsRecentLines() throws Exception {
    Process p = sh("echo one; echo two; exec sleep 30");
    TestForwarder fwd = new TestForwarder();
    StreamForwarder out =
        tee(p, OutputTarget.STDOUT, fwd, sender(fwd, 4, LogPolicy.BACKPRESSURE), null);
    await().atMost(ofSeconds(5)).until(() -> fwd.lines(OutputTarget.STDOUT).size() == 2);
    StreamForwarder.AbortResult r = out.abort();
    assertThat(r.recentLines()).containsExactly("[3] one", "[3] two");
    assertThat(r.failure()).isNull();
    assertThat(out.done()).isCompleted();
    p.destroyForcibly();
  }

  @Test
  void drainAfterEndOfStreamIsAnsweredAtOnce() throws Exception {
    Process p = sh("echo only");
    TestForwarder fwd = new TestForwarder();
    StreamForwarder out =
        tee(p, OutputTarget.STDOUT, fwd, sender(fwd, 4, LogPolicy.BACKPRESSURE), null);
    out.done().get();
    out.requestDrain(7, true);
    assertThat(fwd.received).last().isEqualTo(new LogMessage.Marker(OutputTarget.STDOUT, 7));
  }

  @Test
  void stalledForwarderBlocksTheChildWithinTheBoundThenEveryLineArrivesInOrder() throws Exception {
    int total = 200_000; // ~2.5 MB: far more than the pipe, the tee and 4 batches can hold
    Process p = sh("i=0; while [ $i -lt " + total + " ]; do echo \"line $i\"; i=$((i+1)); done");
    TestForwarder fwd = new TestForwarder();
    fwd.stall();
    int inFlight = 4;
    StreamForwarder out =
        tee(p, OutputTarget.STDOUT, fwd, sender(fwd, inFlight, LogPolicy.BACKPRESSURE), null);

    // Stalled: exactly inFlight batches get through and stay so, and the child cannot finish.
    await().atMost(ofSeconds(10)).until(() -> fwd.batches() == inFlight);
    await()
        .during(ofMillis(300))
        .atMost(ofSeconds(2))
        .until(() -> fwd.batches() == inFlight && p.isAlive());
    long heldBytes =
        fwd.received.stream().mapToLong(m -> ((LogMessage.Log) m).lines().length).sum();
    assertThat(heldBytes)
        .isLessThanOrEqualTo((long) inFlight * (StreamForwarder.BATCH_BYTES + 8192));

    fwd.resume();
    out.done().get();
    assertThat(p.waitFor()).isZero();
    assertThat(fwd.lines(OutputTarget.STDOUT))
        .isEqualTo(IntStream.range(0, total).mapToObj(i -> "[3] line " + i).toList());
  }

  @Test
  void dropModeCountsEveryDroppedLineExactly() throws Exception {
    int total = 100_000;
    Process p = sh("i=0; while [ $i -lt " + total + " ]; do echo \"line $i\"; i=$((i+1)); done");
    TestForwarder fwd = new TestForwarder();
    fwd.stall();
    StreamForwarder out = tee(p, OutputTarget.STDOUT, fwd, sender(fwd, 2, LogPolicy.DROP), null);
    out.done().get();
    assertThat(p.waitFor()).as("the child never blocks in drop mode").isZero();

    List<String> lines = fwd.lines(OutputTarget.STDOUT);
    String notice = lines.get(lines.size() - 1);
    assertThat(notice).matches("\\[3\\] \\[\\d+ lines dropped\\]");
    long dropped = Long.parseLong(notice.replaceAll("\\D+", " ").trim().split(" ")[1]);
    assertThat(lines.size() - 1 + dropped).isEqualTo(total);
    assertThat(lines.subList(0, lines.size() - 1))
        .isEqualTo(IntStream.range(0, lines.size() - 1).mapToObj(i -> "[3] line " + i).toList());
  }

  @Test
  void failingFileWriteNeverStopsTheTee() throws Exception {
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("No space left on device");
          }
        };
    java.io.ByteArrayOutputStream errFile = new java.io.ByteArrayOutputStream();
    FileAppender files =
        FileAppender.over(Map.of(OutputTarget.STDOUT, failing, OutputTarget.STDERR, errFile));
    Process p =
        sh("i=0; while [ $i -lt 500 ]; do echo \"o $i\"; echo \"e $i\" >&2; i=$((i+1)); done");
    TestForwarder fwd = new TestForwarder();
    LocalLogSender sender = sender(fwd, 8, LogPolicy.BACKPRESSURE);
    StreamForwarder out = tee(p, OutputTarget.STDOUT, fwd, sender, files);
    StreamForwarder err = tee(p, OutputTarget.STDERR, fwd, sender, files);
    out.done().get();
    err.done().get();
    assertThat(fwd.lines(OutputTarget.STDOUT)).hasSize(500);
    assertThat(errFile.toString(StandardCharsets.UTF_8).split("\n")).hasSize(500);
  }

  /** How a test's tee on {@code io}'s stdout may block, as the agent's do. */
  /** A tee named "tee-NAME" that blocks in its read when idle, on a FIFO the test writes. */
  record FifoTee(OutputStream writer, TestForwarder fwd, StreamForwarder out) {}

  static FifoTee fifoTee(Path dir, String name, java.util.function.BooleanSupplier alive)
      throws IOException {
    monarch.internal.launch.StdioFifos.Pair io =
        monarch.internal.launch.StdioFifos.create(dir, name, 1).open(0);
    OutputStream writer = new java.io.FileOutputStream(io.stdoutFile());
    io.started();
    TestForwarder fwd = new TestForwarder();
    LocalLogSender sender = sender(fwd, 8, LogPolicy.BACKPRESSURE);
    fwd.sender = sender;
    StreamForwarder out =
        new StreamForwarder(
                "tee-" + name,
                io.stdout(),
                OutputTarget.STDOUT,
                PREFIX,
                100,
                alive,
                new StreamForwarder.Sinks(sender, null, null, false),
                blocking(io))
            .start();
    return new FifoTee(writer, fwd, out);
  }

  static StreamForwarder.Blocking blocking(monarch.internal.launch.StdioFifos.Pair io) {
    return new StreamForwarder.Blocking(RETRIES, () -> io.wake(true));
  }

  /**
   * Where the tees of the blocking-read tests try a request again. A retry scheduled by a requester
   * runs before {@code schedule} returns to it: as if the requester were descheduled right after
   * asking for the retry (a loaded machine), the worst moment for it to hold anything the retry
   * needs. Retries scheduled by a retry run as the agent's do.
   */
  static final EagerRetries RETRIES = new EagerRetries();

  static final class EagerRetries extends java.util.concurrent.ScheduledThreadPoolExecutor {
    EagerRetries() {
      super(
          1,
          r -> {
            Thread t = new Thread(r, "test-tee-retry");
            t.setDaemon(true);
            return t;
          });
    }

    @Override
    public java.util.concurrent.ScheduledFuture<?> schedule(
        Runnable step, long delay, java.util.concurrent.TimeUnit unit) {
      java.util.concurrent.ScheduledFuture<?> f = super.schedule(step, delay, unit);
      if (!Thread.currentThread().getName().equals("test-tee-retry")) {
        try {
          f.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new AssertionError("a retry did not run", e);
        }
      }
      return f;
    }
  }

  /**
   * A tee that blocks in its read when idle, on a FIFO this test writes itself, so it knows exactly
   * which bytes are in the pipe when it requests a drain. Rounds alternate between a request right
   * after the write (the tee is waking up to it, or about to) and one after a pause (the tee is
   * asleep in its read, and the requester serves it): either way the marker follows every byte
   * written before the request, and never waits for more.
   */
  @Test
  void onABlockingTeeEveryMarkerFollowsTheBytesWrittenBeforeItsRequest(@TempDir Path dir)
      throws Exception {
    FifoTee tee = fifoTee(dir, "blocking", () -> true);
    OutputStream writer = tee.writer();
    TestForwarder fwd = tee.fwd();
    StreamForwarder out = tee.out();
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
    for (int v = 1; v <= 800; v++) {
      String token = (v % 7 == 0 ? "p" : "l") + v; // every 7th round is a partial line
      writer.write((v % 7 == 0 ? token : token + "\n").getBytes(StandardCharsets.UTF_8));
      writer.flush();
      if (v % 10 == 0) { // long enough for the tee to go to sleep in its read
        java.util.concurrent.locks.LockSupport.parkNanos(StreamForwarder.BLOCK_AFTER_NANOS * 3);
      } else if (v % 3 == 0) { // about when it goes into its read: the requester may have to retry
        java.util.concurrent.locks.LockSupport.parkNanos(
            StreamForwarder.BLOCK_AFTER_NANOS + rnd.nextInt(-300_000, 300_000));
      } else if (rnd.nextBoolean()) {
        java.util.concurrent.locks.LockSupport.parkNanos(rnd.nextInt(200_000));
      }
      out.requestDrain(v, true);
      awaitMarker(fwd, v);
      assertThat(linesBeforeMarker(fwd, v)).as("round %d", v).endsWith("[3] " + token);
    }
    writer.close();
    out.done().get();
  }

  /** An idle tee costs nothing: it sleeps in a read of its pipe, not in a polling loop. */
  @Test
  void anIdleTeeWaitsInARead(@TempDir Path dir) throws Exception {
    FifoTee tee = fifoTee(dir, "idle", () -> true);
    OutputStream writer = tee.writer();
    TestForwarder fwd = tee.fwd();
    StreamForwarder out = tee.out();
    writer.write("one\n".getBytes(StandardCharsets.UTF_8));
    writer.flush();
    await().atMost(ofSeconds(5)).until(() -> fwd.lines(OutputTarget.STDOUT).size() == 1);
    await()
        .atMost(ofSeconds(5))
        .until(
            () ->
                Thread.getAllStackTraces().entrySet().stream()
                    .anyMatch(
                        e ->
                            e.getKey().getName().equals("tee-idle")
                                && e.getValue().length > 0
                                && e.getValue()[0].getMethodName().equals("readBytes")));
    writer.write("two\n".getBytes(StandardCharsets.UTF_8)); // and data wakes it
    writer.flush();
    await().atMost(ofSeconds(5)).until(() -> fwd.lines(OutputTarget.STDOUT).size() == 2);
    writer.close();
    out.done().get();
    assertThat(fwd.lines(OutputTarget.STDOUT)).containsExactly("[3] one", "[3] two");
  }

  /**
   * A progress bar redrawn with '\r' 200 times over about a second: a few of its states go out (at
   * most one per STATE_INTERVAL_NANOS, each whole, never two run together), and always its last
   * one, whether a '\n' ends the line or the stream just ends.
   */
  @Test
  void aProgressBarSendsAFewStatesASecondAndAlwaysItsLast() throws Exception {
    for (String end : List.of("\\n", "")) {
      Process p =
          sh(
              "i=0; while [ $i -le 200 ]; do printf '\\r%d/200' $i; i=$((i+1)); sleep 0.005; done; printf '"
                  + end
                  + "'");
      TestForwarder fwd = new TestForwarder();
      StreamForwarder out =
          tee(p, OutputTarget.STDOUT, fwd, sender(fwd, 8, LogPolicy.BACKPRESSURE), null);
      out.done().get();
      List<String> lines = fwd.lines(OutputTarget.STDOUT);
      assertThat(lines)
          .as(end)
          .allMatch(l -> l.matches("\\[3\\] \\d+/200"))
          .hasSizeBetween(2, 12)
          .last()
          .isEqualTo("[3] 200/200");
      List<Integer> steps =
          lines.stream().map(l -> Integer.parseInt(l.substring(4, l.indexOf('/')))).toList();
      assertThat(steps).isSorted().doesNotHaveDuplicates();
    }
  }

  /**
   * A barrier covers a progress bar's latest state: what was drawn last before it, not an older
   * one.
   */
  @Test
  void aBarrierSendsTheLatestStateOfAProgressBar(@TempDir Path dir) throws Exception {
    FifoTee tee = fifoTee(dir, "bar", () -> true);
    OutputStream writer = tee.writer();
    TestForwarder fwd = tee.fwd();
    StreamForwarder out = tee.out();
    writer.write(
        "\ra\rb\rc\r".getBytes(StandardCharsets.UTF_8)); // "a" goes at once, "c" replaces "b"
    writer.flush();
    out.requestDrain(1, true);
    await()
        .atMost(ofSeconds(5))
        .until(() -> fwd.received.contains(new LogMessage.Marker(OutputTarget.STDOUT, 1)));
    assertThat(linesBeforeMarker(fwd, 1)).containsExactly("[3] a", "[3] c");
    writer.write("\rd\re".getBytes(StandardCharsets.UTF_8)); // "d" held, "e" still being drawn
    writer.flush();
    out.requestDrain(2, true);
    await()
        .atMost(ofSeconds(5))
        .until(() -> fwd.received.contains(new LogMessage.Marker(OutputTarget.STDOUT, 2)));
    assertThat(linesBeforeMarker(fwd, 2)).endsWith("[3] e").doesNotContain("[3] ce", "[3] de");
    writer.close();
    out.done().get();
  }

  /**
   * A mode switch's marker goes after the whole lines at once, however long the unfinished line
   * takes: it is not split in two (its start sent as a line at the pause), and it arrives whole.
   */
  @Test
  void aMarkerForWholeLinesNeverSplitsTheUnfinishedLine(@TempDir Path dir) throws Exception {
    FifoTee tee = fifoTee(dir, "whole", () -> true);
    OutputStream writer = tee.writer();
    TestForwarder fwd = tee.fwd();
    StreamForwarder out = tee.out();
    writer.write("before\nhalf".getBytes(StandardCharsets.UTF_8));
    writer.flush();
    out.requestDrain(1, false);
    awaitMarker(fwd, 1);
    assertThat(linesBeforeMarker(fwd, 1)).containsExactly("[3] before");
    java.util.concurrent.locks.LockSupport.parkNanos(StreamForwarder.MAX_EOL_WAIT_NANOS * 3);
    writer.write(" done\n".getBytes(StandardCharsets.UTF_8));
    writer.flush();
    out.requestDrain(2, true);
    awaitMarker(fwd, 2);
    assertThat(linesBeforeMarker(fwd, 2)).containsExactly("[3] before", "[3] half done");
    writer.close();
    out.done().get();
  }

  /**
   * A whole-lines marker asked for after a flush's marker that waits for the end of a line goes
   * after it, never before: the client takes a later marker as the end of the earlier barriers.
   */
  @Test
  void aMarkerForWholeLinesNeverOvertakesOneWaitingForItsLine(@TempDir Path dir) throws Exception {
    FifoTee tee = fifoTee(dir, "order", () -> true);
    OutputStream writer = tee.writer();
    TestForwarder fwd = tee.fwd();
    StreamForwarder out = tee.out();
    for (int round = 0; round < 20; round++) {
      long flush = 2L * round + 1;
      writer.write(("p" + round).getBytes(StandardCharsets.UTF_8));
      writer.flush();
      out.requestDrain(flush, true);
      out.requestDrain(flush + 1, false);
      awaitMarker(fwd, flush + 1);
      List<LogMessage> got = List.copyOf(fwd.received);
      assertThat(got.indexOf(new LogMessage.Marker(OutputTarget.STDOUT, flush)))
          .as("round %d: the flush's marker, before the switch's", round)
          .isBetween(0, got.indexOf(new LogMessage.Marker(OutputTarget.STDOUT, flush + 1)));
      writer.write("\n".getBytes(StandardCharsets.UTF_8));
      writer.flush();
    }
    writer.close();
    out.done().get();
  }

  /** Waits (polling every millisecond, at most 5 s) for the stdout marker of {@code version}. */
  static void awaitMarker(TestForwarder fwd, long version) {
    await()
        .pollDelay(ofMillis(0))
        .pollInterval(ofMillis(1))
        .atMost(ofSeconds(5))
        .until(() -> fwd.received.contains(new LogMessage.Marker(OutputTarget.STDOUT, version)));
  }

  static boolean asleepInRead(String thread) {
    return Thread.getAllStackTraces().entrySet().stream()
        .anyMatch(
            e ->
                e.getKey().getName().equals(thread)
                    && e.getValue().length > 0
                    && e.getValue()[0].getMethodName().equals("readBytes"));
  }

  /**
   * The proc wrote an unfinished line and exited; a child of it holds the pipe open and is quiet. A
   * barrier then is served at once: the tee finished the line when the proc went, so nothing waits
   * for the child.
   */
  @Test
  void aBarrierAfterTheProcExitedIsServedThoughAChildHoldsThePipe(@TempDir Path dir)
      throws Exception {
    java.util.concurrent.atomic.AtomicBoolean alive =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    FifoTee tee = fifoTee(dir, "exited", alive::get);
    OutputStream child = tee.writer();
    TestForwarder fwd = tee.fwd();
    StreamForwarder out = tee.out();
    child.write("progress 50%".getBytes(StandardCharsets.UTF_8));
    child.flush();
    alive.set(false); // the proc is gone; the child (this test) holds the pipe
    await().atMost(ofSeconds(5)).until(() -> asleepInRead("tee-exited"));
    out.requestDrain(1, true);
    await()
        .atMost(ofSeconds(2))
        .until(() -> fwd.received.contains(new LogMessage.Marker(OutputTarget.STDOUT, 1)));
    assertThat(linesBeforeMarker(fwd, 1)).containsExactly("[3] progress 50%");
    child.close();
    out.done().get(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  /**
   * A request that comes while the tee waits for permits costs no retries: the tee takes it after.
   */
  @Test
  void aRequestUnderBackPressureDoesNotSpin(@TempDir Path dir) throws Exception {
    monarch.internal.launch.StdioFifos.Pair io =
        monarch.internal.launch.StdioFifos.create(dir, "p", 1).open(0);
    OutputStream w = new java.io.FileOutputStream(io.stdoutFile());
    io.started();
    java.util.concurrent.atomic.AtomicLong scheduled = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.ScheduledThreadPoolExecutor counting =
        new java.util.concurrent.ScheduledThreadPoolExecutor(1) {
          @Override
          public java.util.concurrent.ScheduledFuture<?> schedule(
              Runnable r, long d, java.util.concurrent.TimeUnit u) {
            scheduled.incrementAndGet();
            return super.schedule(r, d, u);
          }
        };
    TestForwarder fwd = new TestForwarder();
    fwd.stall();
    LocalLogSender sender = sender(fwd, 1, LogPolicy.BACKPRESSURE);
    fwd.sender = sender;
    StreamForwarder out =
        new StreamForwarder(
                "tee-pressed",
                io.stdout(),
                OutputTarget.STDOUT,
                PREFIX,
                1,
                () -> true,
                new StreamForwarder.Sinks(sender, null, null, false),
                new StreamForwarder.Blocking(counting, () -> io.wake(true)))
            .start();
    w.write(
        "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8)); // one batch each: blocks on "two"
    w.flush();
    await().atMost(ofSeconds(5)).until(() -> fwd.batches() == 1);
    out.requestDrain(1, true);
    await().during(ofMillis(300)).atMost(ofSeconds(2)).until(() -> fwd.batches() == 1);
    assertThat(scheduled.get()).as("retries while the tee waited for permits").isLessThan(5);
    fwd.resume();
    await()
        .atMost(ofSeconds(5))
        .until(() -> fwd.received.contains(new LogMessage.Marker(OutputTarget.STDOUT, 1)));
    assertThat(linesBeforeMarker(fwd, 1)).containsExactly("[3] one", "[3] two", "[3] three");
    w.close();
    out.done().get(5, java.util.concurrent.TimeUnit.SECONDS);
    counting.shutdownNow();
  }
}
