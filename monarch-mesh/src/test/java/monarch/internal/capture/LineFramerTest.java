package monarch.internal.capture;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
class LineFramerTest {

  private static final String SUFFIX = "... [TRUNCATED]";
  private static final String FFFD = "\uFFFD";

  /** Collects lines as Latin-1 strings, i.e. one char per byte, so comparisons are byte-exact. */
  /** Collects lines, and states among them in order (also apart, in {@code states}). */
  static final class Collector implements LineSink {
    final List<String> lines = new ArrayList<>();
    final List<String> states = new ArrayList<>();

    @Override
    public void line(byte[] buf, int off, int len) {
      lines.add(new String(buf, off, len, ISO_8859_1));
    }

    @Override
    public void state(byte[] buf, int off, int len) {
      states.add(new String(buf, off, len, ISO_8859_1));
      line(buf, off, len);
    }

    List<String> utf8() {
      List<String> out = new ArrayList<>();
      for (String l : lines) {
        out.add(new String(l.getBytes(ISO_8859_1), UTF_8));
      }
      return out;
    }
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(UTF_8);
  }

  /** Frames the chunks in order, then finish(); returns the lines decoded as UTF-8. */
  private static List<String> frame(int max, String prefix, byte[]... chunks) {
    Collector c = new Collector();
    LineFramer f = new LineFramer(max, prefix == null ? null : utf8(prefix), c);
    for (byte[] chunk : chunks) {
      f.feed(chunk, 0, chunk.length);
    }
    f.finish();
    return c.utf8();
  }

  private static List<String> frame(byte[]... chunks) {
    return frame(LineFramer.MAX_LINE_SIZE, null, chunks);
  }

  private static List<String> frameOneByteAtATime(byte[] input) {
    Collector c = new Collector();
    LineFramer f = new LineFramer(LineFramer.MAX_LINE_SIZE, null, c);
    for (int i = 0; i < input.length; i++) {
      f.feed(input, i, 1);
    }
    f.finish();
    return c.utf8();
  }

  // ---- line endings ----------------------------------------------------------------------

  @Test
  void splitsOnLfWithoutKeepingIt() {
    assertThat(frame(utf8("a\nbc\n"))).containsExactly("a", "bc");
  }

  @Test
  void crlfInOneChunkLosesTheCr() {
    assertThat(frame(utf8("a\r\nb\r\n"))).containsExactly("a", "b");
  }

  @Test
  void crlfSplitAcrossChunksLosesTheCr() {
    Collector c = new Collector();
    LineFramer f = new LineFramer(LineFramer.MAX_LINE_SIZE, null, c);
    f.feed(utf8("one\r"), 0, 4);
    assertThat(c.lines).isEmpty();
    assertThat(f.hasPartialLine()).isTrue();
    f.feed(utf8("\ntwo\r"), 0, 5);
    assertThat(c.lines).containsExactly("one");
    f.feed(utf8("\n"), 0, 1);
    assertThat(c.lines).containsExactly("one", "two");
    assertThat(f.hasPartialLine()).isFalse();
    f.finish();
    assertThat(c.lines).containsExactly("one", "two");
  }

  @Test
  void crlfSplitAfterNonAsciiContent() {
    assertThat(frame(utf8("é\r"), utf8("\n"))).containsExactly("é");
    assertThat(frame(utf8("é\r\n"))).containsExactly("é");
  }

  /** A lone '\r' ends a state of the line (a progress bar's redraw): states, never concatenated. */
  @Test
  void aLoneCrEndsAStateOfTheLine() {
    assertThat(frame(utf8("a\rb\n"))).containsExactly("a", "b");
    assertThat(frame(utf8("\r\r\n"))).containsExactly("");
    assertThat(frame(utf8("a\r"), utf8("b\n"))).containsExactly("a", "b");
    assertThat(frame(utf8("a\r"), utf8("\r"), utf8("\n"))).containsExactly("a", "");
    assertThat(frame(utf8("a\r"), utf8("é\n"))).containsExactly("a", "é");
    assertThat(frame(utf8("progress 1\rprogress 2\rdone\n")))
        .containsExactly("progress 1", "progress 2", "done");
    // tqdm's way: each redraw starts with '\r'; empty states are nothing
    assertThat(frame(utf8("\r 10%|#"), utf8("\r 50%|#####\r100%|##########\n")))
        .containsExactly(" 10%|#", " 50%|#####", "100%|##########");
    // states reach the sink as states, lines as lines
    Collector c = new Collector();
    LineFramer f = new LineFramer(100, null, c);
    f.feed(utf8("1/3\r2/3\r3/3\n"), 0, 12);
    assertThat(c.states).containsExactly("1/3", "2/3");
    assertThat(f.statesEmitted()).isEqualTo(2);
    assertThat(f.linesEmitted()).isEqualTo(1);
  }

  @Test
  void aTrailingCrEndsTheLastStateAtTheEndOfTheStream() {
    assertThat(frame(utf8("a\r"))).containsExactly("a");
    assertThat(frame(utf8("\r"))).isEmpty();
  }

  @Test
  void emptyLinesAreEmitted() {
    assertThat(frame(utf8("\n\n"))).containsExactly("", "");
    assertThat(frame(utf8("\r\n"))).containsExactly("");
    assertThat(frame(utf8("a\n\nb\n"))).containsExactly("a", "", "b");
  }

  @Test
  void emptyLinesWithPrefixAreThePrefixAlone() {
    assertThat(frame(100, "[3] ", utf8("\n\r\nx\n"))).containsExactly("[3] ", "[3] ", "[3] x");
  }

  @Test
  void everyLineStartsWithThePrefix() {
    assertThat(frame(8, "[12] ", utf8("a\nbé\n0123456789\npartial")))
        .containsExactly("[12] a", "[12] bé", "[12] 01234567" + SUFFIX, "[12] partial");
  }

  // ---- end of stream ---------------------------------------------------------------------

  @Test
  void partialLastLineIsEmittedAtFinish() {
    Collector c = new Collector();
    LineFramer f = new LineFramer(LineFramer.MAX_LINE_SIZE, utf8("[0] "), c);
    byte[] in = utf8("done\nno newline");
    f.feed(in, 0, in.length);
    assertThat(c.lines).containsExactly("[0] done");
    assertThat(f.hasPartialLine()).isTrue();
    f.finish();
    assertThat(c.lines).containsExactly("[0] done", "[0] no newline");
    assertThat(f.linesEmitted()).isEqualTo(2);
  }

  @Test
  void finishAfterFinalLfEmitsNothing() {
    assertThat(frame(utf8("a\n"))).containsExactly("a");
    assertThat(frame(new byte[0])).isEmpty();
    assertThat(frame()).isEmpty();
  }

  @Test
  void finishTwiceEmitsOnce() {
    Collector c = new Collector();
    LineFramer f = new LineFramer(16, null, c);
    f.feed(utf8("x"), 0, 1);
    f.finish();
    f.finish();
    assertThat(c.lines).containsExactly("x");
  }

  // ---- UTF-8 -----------------------------------------------------------------------------

  static Stream<Arguments> invalidUtf8() {
    return Stream.of(
        // bad lead bytes
        Arguments.of("lone continuation", bytes(0x80), FFFD, 1),
        Arguments.of("two continuations", bytes(0x80, 0xBF), FFFD + FFFD, 2),
        Arguments.of("C0", bytes(0xC0), FFFD, 1),
        Arguments.of("C1", bytes(0xC1, 0x41), FFFD + "A", 1),
        Arguments.of("F5", bytes(0xF5, 0x80, 0x80, 0x80), FFFD.repeat(4), 4),
        Arguments.of("FF", bytes('a', 0xFF, 'b'), "a" + FFFD + "b", 1),
        Arguments.of("FE FF", bytes(0xFE, 0xFF), FFFD + FFFD, 2),
        // bad continuations
        Arguments.of("C3 then ASCII", bytes(0xC3, 0x41), FFFD + "A", 1),
        Arguments.of("E2 82 then ASCII", bytes(0xE2, 0x82, 0x41), FFFD + "A", 1),
        Arguments.of("F0 9F 98 then ASCII", bytes(0xF0, 0x9F, 0x98, 0x41), FFFD + "A", 1),
        Arguments.of("lead then lead", bytes(0xE2, 0xC3, 0xA9), FFFD + "é", 1),
        Arguments.of("E2 82 then E2 82 AC", bytes(0xE2, 0x82, 0xE2, 0x82, 0xAC), FFFD + "€", 1),
        // overlongs
        Arguments.of("overlong / (2)", bytes(0xC0, 0xAF), FFFD + FFFD, 2),
        Arguments.of("overlong / (3)", bytes(0xE0, 0x80, 0xAF), FFFD.repeat(3), 3),
        Arguments.of("overlong / (4)", bytes(0xF0, 0x80, 0x80, 0xAF), FFFD.repeat(4), 4),
        Arguments.of("overlong NUL", bytes(0xC0, 0x80), FFFD + FFFD, 2),
        // surrogates (CESU-8 style); one replacement per byte as in WHATWG / Unicode 3.9
        Arguments.of("D800", bytes(0xED, 0xA0, 0x80), FFFD.repeat(3), 3),
        Arguments.of("DFFF", bytes(0xED, 0xBF, 0xBF), FFFD.repeat(3), 3),
        Arguments.of(
            "surrogate pair", bytes(0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80), FFFD.repeat(6), 6),
        // beyond U+10FFFF
        Arguments.of("110000", bytes(0xF4, 0x90, 0x80, 0x80), FFFD.repeat(4), 4),
        Arguments.of("F7 BF BF BF", bytes(0xF7, 0xBF, 0xBF, 0xBF), FFFD.repeat(4), 4),
        // cut by the end of the stream
        Arguments.of("C3 at EOF", bytes('x', 0xC3), "x" + FFFD, 1),
        Arguments.of("E2 82 at EOF", bytes(0xE2, 0x82), FFFD, 1),
        Arguments.of("F0 9F 98 at EOF", bytes(0xF0, 0x9F, 0x98), FFFD, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidUtf8")
  void invalidUtf8IsReplacedPerMaximalSubpart(
      String name, byte[] input, String expected, int replaced) {
    for (byte[] in : List.of(input, concat(input, utf8("\n")))) {
      Collector c = new Collector();
      LineFramer f = new LineFramer(LineFramer.MAX_LINE_SIZE, null, c);
      f.feed(in, 0, in.length);
      f.finish();
      assertThat(c.utf8()).as("whole").containsExactly(expected);
      assertThat(f.bytesReplaced()).isEqualTo(replaced);
      assertThat(frameOneByteAtATime(in)).as("byte by byte").containsExactly(expected);
    }
  }

  @Test
  void sequenceCutByLfIsReplacedAndEndsTheLine() {
    assertThat(frame(bytes(0xE2, 0x82, '\n', 0xAC, 'x', '\n'))).containsExactly(FFFD, FFFD + "x");
    assertThat(frame(bytes(0xF0, 0x9F, '\r', '\n', 'y'))).containsExactly(FFFD, "y");
  }

  @Test
  void validBoundaryCharactersAreKept() {
    String s =
        "\u0080\u07FF\u0800\uD7FF\uE000\uFFFD\uFFFF"
            + new String(Character.toChars(0x10000))
            + new String(Character.toChars(0x10FFFF))
            + "\u20AC";
    Collector c = new Collector();
    LineFramer f = new LineFramer(LineFramer.MAX_LINE_SIZE, null, c);
    byte[] in = utf8(s + "\n");
    f.feed(in, 0, in.length);
    f.finish();
    assertThat(c.utf8()).containsExactly(s);
    assertThat(f.bytesReplaced()).isZero();
  }

  @Test
  void multiByteCharacterSplitAcrossFeedsSurvives() {
    byte[] in = utf8("a\uD83D\uDE00b€é\n"); // a 😀 b € é
    for (int cut1 = 0; cut1 <= in.length; cut1++) {
      for (int cut2 = cut1; cut2 <= in.length; cut2++) {
        List<String> lines =
            frame(
                LineFramer.MAX_LINE_SIZE,
                null,
                Arrays.copyOfRange(in, 0, cut1),
                Arrays.copyOfRange(in, cut1, cut2),
                Arrays.copyOfRange(in, cut2, in.length));
        assertThat(lines).as("cuts %d %d", cut1, cut2).containsExactly("a\uD83D\uDE00b€é");
      }
    }
    assertThat(frameOneByteAtATime(in)).containsExactly("a\uD83D\uDE00b€é");
  }

  @Test
  void nulBytesAreValidAndKept() {
    Collector c = new Collector();
    LineFramer f = new LineFramer(LineFramer.MAX_LINE_SIZE, null, c);
    byte[] in = bytes('a', 0, 'b', '\n', 0, '\n', 0, 0);
    f.feed(in, 0, in.length);
    f.finish();
    assertThat(c.lines).containsExactly("a\0b", "\0", "\0\0");
    assertThat(f.bytesReplaced()).isZero();
  }

  // ---- truncation ------------------------------------------------------------------------

  @Test
  void lineOfExactlyMaxIsNotTruncated() {
    assertThat(frame(5, null, utf8("12345\n"))).containsExactly("12345");
    assertThat(frame(5, null, utf8("12345\r\n"))).containsExactly("12345");
    assertThat(frame(5, null, utf8("12345\r"), utf8("\n"))).containsExactly("12345");
    assertThat(frame(5, null, utf8("12345"))).containsExactly("12345");
    assertThat(frame(6, null, utf8("1234é\n"))).containsExactly("1234é");
  }

  @Test
  void longAsciiLineIsCutAndSuffixedAndTheRestDropped() {
    Collector c = new Collector();
    LineFramer f = new LineFramer(5, utf8("[1] "), c);
    byte[] in = utf8("1234567890\nok\n");
    f.feed(in, 0, in.length);
    f.finish();
    assertThat(c.lines).containsExactly("[1] 12345" + SUFFIX, "[1] ok");
    assertThat(f.linesTruncated()).isEqualTo(1);
    assertThat(f.linesEmitted()).isEqualTo(2);
    assertThat(f.bytesDiscarded()).isEqualTo(5);
  }

  @Test
  void truncatedLineIsEmittedAtOnceAndTheRestIsDroppedUntilLf() {
    Collector c = new Collector();
    LineFramer f = new LineFramer(4, null, c);
    f.feed(utf8("abcdef"), 0, 6);
    assertThat(c.lines).containsExactly("abcd" + SUFFIX);
    assertThat(f.hasPartialLine()).isFalse();
    f.feed(utf8("gh\r"), 0, 3);
    f.feed(utf8("\nnext"), 0, 5);
    f.finish();
    assertThat(c.lines).containsExactly("abcd" + SUFFIX, "next");
    assertThat(f.bytesDiscarded()).isEqualTo(4); // e f g h (the "\r\n" ends the line)
  }

  /** A state is cut at the limit as a line is, and the next state starts afresh. */
  @Test
  void aStateOverTheLimitIsTruncatedAndTheNextStartsAfresh() {
    assertThat(frame(3, null, utf8("abcd\rx\n"))).containsExactly("abc" + SUFFIX, "x");
    assertThat(frame(3, null, utf8("abc\rx\n"))).containsExactly("abc", "x");
    assertThat(frame(3, null, utf8("abcdef\r"), utf8("\n"), utf8("y\n")))
        .containsExactly("abc" + SUFFIX, "y");
    assertThat(frame(3, null, utf8("ab\r"))).containsExactly("ab");
  }

  @Test
  void fourByteCharacterStraddlingTheEdgeIsNotSplit() {
    String emoji = new String(Character.toChars(0x1F600)); // F0 9F 98 80
    int max = 10;
    // The emoji starts at every offset around the edge: at 7..10 it would not fit whole.
    for (int start = 4; start <= 11; start++) {
      String line = "x".repeat(start) + emoji + "yz";
      for (boolean byteByByte : new boolean[] {false, true}) {
        List<String> out =
            byteByByte
                ? frameOneByteAtATimeWithMax(utf8(line + "\n"), max)
                : frame(max, null, utf8(line + "\n"));
        String expected;
        if (utf8(line).length <= max) {
          expected = line;
        } else if (start + 4 <= max) {
          expected = new String(Arrays.copyOf(utf8(line), max), UTF_8) + SUFFIX;
        } else {
          expected = "x".repeat(Math.min(start, max)) + SUFFIX;
        }
        assertThat(out).as("start %d byteByByte %s", start, byteByByte).containsExactly(expected);
        assertThat(out.get(0)).doesNotContain(FFFD);
      }
    }
  }

  @Test
  void replacementCharacterStraddlingTheEdgeIsNotSplit() {
    // "abcd" + 0xFF: U+FFFD needs 3 bytes, only 2 are left.
    assertThat(frame(6, null, bytes('a', 'b', 'c', 'd', 0xFF, '\n')))
        .containsExactly("abcd" + SUFFIX);
    assertThat(frame(7, null, bytes('a', 'b', 'c', 'd', 0xFF, '\n')))
        .containsExactly("abcd" + FFFD);
  }

  private static List<String> frameOneByteAtATimeWithMax(byte[] input, int max) {
    Collector c = new Collector();
    LineFramer f = new LineFramer(max, null, c);
    for (int i = 0; i < input.length; i++) {
      f.feed(input, i, 1);
    }
    f.finish();
    return c.utf8();
  }

  @Test
  void maxLineSizeOfOneCutsBeforeAWideCharacter() {
    assertThat(frame(1, null, utf8("é\n"))).containsExactly(SUFFIX);
    assertThat(frame(1, null, utf8("aé\n"))).containsExactly("a" + SUFFIX);
  }

  @Test
  void gibibyteWithoutNewlineYieldsOneTruncatedLineInBoundedMemory() {
    Collector c = new Collector();
    byte[] prefix = utf8("[3] ");
    LineFramer f = new LineFramer(LineFramer.MAX_LINE_SIZE, prefix, c);
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) 'x');
    chunk[0] = '\t'; // (no '\r': that would end a state and start the line afresh)
    long total = 1L << 30;
    int chunks = (int) (total / chunk.length);

    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long t0 = System.nanoTime();
    long allocBefore = threads.getThreadAllocatedBytes(tid);
    for (int i = 0; i < chunks; i++) {
      f.feed(chunk, 0, chunk.length);
    }
    long allocated = threads.getThreadAllocatedBytes(tid) - allocBefore;
    f.finish();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertThat(c.lines).hasSize(1);
    assertThat(c.lines.get(0)).startsWith("[3] \txxx").endsWith("x" + SUFFIX);
    assertThat(c.lines.get(0).length())
        .isEqualTo(prefix.length + LineFramer.MAX_LINE_SIZE + SUFFIX.length());
    assertThat(f.linesTruncated()).isEqualTo(1);
    assertThat(f.linesEmitted()).isEqualTo(1);
    assertThat(f.bytesDiscarded()).isEqualTo(total - LineFramer.MAX_LINE_SIZE);
    // Retained: one fixed line buffer. Allocated while framing 1 GiB: the collector's copy of
    // the one line (about 8 KiB as a String) and nothing per chunk.
    assertThat(f.bufferCapacity())
        .isEqualTo(prefix.length + LineFramer.MAX_LINE_SIZE + SUFFIX.length());
    assertThat(allocated).as("bytes allocated while framing 1 GiB").isLessThan(64 * 1024);
    // a bound against a hang (quadratic work, a scan per chunk), not a speed target: speed is
    // FramingBenchmark's; under CI load 1 GiB took 5.2 s where it takes 1-2 s alone
    assertThat(millis).as("ms to frame 1 GiB").isLessThan(60_000);
  }

  @Test
  void framingManyLinesAllocatesNothingPerLine() {
    long[] bytesSeen = {0};
    LineFramer f =
        new LineFramer(
            LineFramer.MAX_LINE_SIZE, utf8("[3] "), (b, off, len) -> bytesSeen[0] += len);
    byte[] chunk =
        utf8(("a log line with some text, number 12345, and a value of 3.1415 é\n").repeat(1000));
    for (int i = 0; i < 200; i++) { // warm up
      f.feed(chunk, 0, chunk.length);
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 1000; i++) {
      f.feed(chunk, 0, chunk.length);
    }
    long allocated = threads.getThreadAllocatedBytes(tid) - before;
    assertThat(f.linesEmitted()).isEqualTo(1_200_000);
    assertThat(allocated).as("bytes allocated for 1M lines").isLessThan(64 * 1024);
  }

  // ---- arguments ---------------------------------------------------------------------------

  @Test
  void rejectsBadArguments() {
    LineSink sink = (b, o, l) -> {};
    assertThatThrownBy(() -> new LineFramer(0, null, sink))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LineFramer(LineFramer.MAX_SUPPORTED_LINE_SIZE + 1, null, sink))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LineFramer(10, new byte[LineFramer.MAX_PREFIX_SIZE + 1], sink))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LineFramer(10, null, null))
        .isInstanceOf(NullPointerException.class);
    LineFramer f = new LineFramer(10, null, sink);
    assertThatThrownBy(() -> f.feed(new byte[4], 2, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> f.feed(new byte[4], -1, 1))
        .isInstanceOf(IndexOutOfBoundsException.class);
    f.feed(new byte[4], 4, 0);
    f.finish();
  }

  @Test
  void feedsOnlyTheGivenSlice() {
    byte[] in = utf8("XXa\nbYY");
    Collector c = new Collector();
    LineFramer f = new LineFramer(100, null, c);
    f.feed(in, 2, 3);
    f.finish();
    assertThat(c.lines).containsExactly("a", "b");
  }

  // ---- property: any chunking equals the reference -----------------------------------------

  @Test
  void anyChunkingMatchesTheReference() {
    Random rnd = new Random(0x5EED_2025L);
    int[] maxes = {1, 2, 3, 4, 5, 7, 16, 64, LineFramer.MAX_LINE_SIZE};
    for (int iter = 0; iter < 3000; iter++) {
      int max = maxes[rnd.nextInt(maxes.length)];
      byte[] prefix = rnd.nextBoolean() ? null : utf8("[" + rnd.nextInt(1000) + "] ");
      byte[] input = randomInput(rnd, rnd.nextInt(iter < 2500 ? 200 : 20_000));
      List<String> expected = Reference.frame(input, max, prefix);
      String what = "iter " + iter + " max " + max + " input " + HexFormat.of().formatHex(input);

      assertThat(frameChunked(input, max, prefix, new int[] {Integer.MAX_VALUE}))
          .as("whole, %s", what)
          .isEqualTo(expected);
      assertThat(frameChunked(input, max, prefix, new int[] {1}))
          .as("byte by byte, %s", what)
          .isEqualTo(expected);
      int[] sizes = new int[1 + rnd.nextInt(8)];
      for (int k = 0; k < sizes.length; k++) {
        sizes[k] = 1 + rnd.nextInt(rnd.nextBoolean() ? 9 : 300);
      }
      assertThat(frameChunked(input, max, prefix, sizes))
          .as("chunks %s, %s", Arrays.toString(sizes), what)
          .isEqualTo(expected);
    }
  }

  @Test
  void referenceAgreesWithTheJdkDecoderExceptOnSurrogates() {
    // The JDK replaces an encoded surrogate (ED A0..BF xx) with one U+FFFD for all three
    // bytes; WHATWG / Unicode maximal subparts give three. Everywhere else they agree,
    // which checks the test's reference decoder against an independent one.
    Random rnd = new Random(42);
    for (int iter = 0; iter < 5000; iter++) {
      byte[] in = randomInput(rnd, rnd.nextInt(100));
      boolean hasSurrogate = false;
      for (int i = 0; i + 1 < in.length; i++) {
        if ((in[i] & 0xFF) == 0xED && (in[i + 1] & 0xFF) >= 0xA0 && (in[i + 1] & 0xFF) <= 0xBF) {
          hasSurrogate = true;
        }
      }
      if (hasSurrogate) {
        continue;
      }
      assertThat(Reference.sanitize(in))
          .as(HexFormat.of().formatHex(in))
          .isEqualTo(new String(in, UTF_8).getBytes(UTF_8));
    }
  }

  private static List<String> frameChunked(byte[] input, int max, byte[] prefix, int[] sizes) {
    Collector c = new Collector();
    LineFramer f = new LineFramer(max, prefix, c);
    int i = 0;
    int k = 0;
    while (i < input.length) {
      int n = (int) Math.min((long) sizes[k++ % sizes.length], input.length - i);
      // Feed from an offset inside a bigger array to catch off/len mistakes.
      byte[] padded = new byte[n + 16];
      Arrays.fill(padded, (byte) '\n');
      System.arraycopy(input, i, padded, 8, n);
      f.feed(padded, 8, n);
      i += n;
    }
    f.finish();
    return c.lines;
  }

  /** Bytes that exercise every branch: ASCII runs, CR/LF, NUL, valid and broken UTF-8. */
  private static byte[] randomInput(Random rnd, int approxLen) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (out.size() < approxLen) {
      int kind = rnd.nextInt(20);
      switch (kind) {
        case 0, 1 -> out.write('\n');
        case 2 -> out.write('\r');
        case 3 -> out.writeBytes(utf8("\r\n"));
        case 4 -> out.write(0);
        case 5, 6, 7 -> {
          int n = rnd.nextInt(rnd.nextInt(10) == 0 ? 3000 : 30);
          for (int i = 0; i < n; i++) {
            out.write(0x20 + rnd.nextInt(0x5F));
          }
        }
        case 8 -> out.writeBytes(utf8("é"));
        case 9 -> out.writeBytes(utf8("€"));
        case 10 -> out.writeBytes(utf8(new String(Character.toChars(0x1F600 + rnd.nextInt(50)))));
        case 11 ->
            out.writeBytes(utf8(new String(Character.toChars(0x10000 + rnd.nextInt(0x100000)))));
        case 12 -> out.write(0x80 + rnd.nextInt(0x80)); // any high byte
        case 13 ->
            out.write(new int[] {0xC0, 0xC1, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF}[rnd.nextInt(8)]);
        case 14 -> out.write(0x80 + rnd.nextInt(0x40)); // continuation
        case 15 -> { // a valid character with its tail cut off
          byte[] ch = utf8(new String(Character.toChars(0x80 + rnd.nextInt(0x10FF00 - 0x80))));
          if (ch.length == 3 && (ch[0] & 0xFF) == 0xED && (ch[1] & 0xFF) >= 0xA0) {
            break; // a surrogate code point, not a character
          }
          out.write(ch, 0, 1 + rnd.nextInt(ch.length));
        }
        case 16 -> out.writeBytes(bytes(0xED, 0xA0 + rnd.nextInt(0x20), 0x80 + rnd.nextInt(0x40)));
        case 17 -> out.writeBytes(bytes(0xF4, 0x80 + rnd.nextInt(0x40), 0x80, 0x80));
        case 18 -> out.writeBytes(bytes(0xE0, 0x80 + rnd.nextInt(0x40), 0x80));
        default -> out.writeBytes(utf8("ok "));
      }
    }
    return out.toByteArray();
  }

  /**
   * The obvious, non-streaming implementation of the rules: split the whole input into lines at
   * '\n' (a '\r' right before it dropped) and into states at any other '\r' (empty states and a
   * last empty piece dropped), sanitize each piece with a decoder written from the WHATWG "UTF-8
   * decode" algorithm, cut at a character boundary, add prefix and suffix.
   */
  static final class Reference {

    static List<String> frame(byte[] in, int max, byte[] prefix) {
      List<String> out = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < in.length; i++) {
        if (in[i] == '\n') {
          out.add(piece(in, start, i, max, prefix)); // a line, even an empty one
          start = i + 1;
        } else if (in[i] == '\r') {
          boolean crlf = i + 1 < in.length && in[i + 1] == '\n';
          if (crlf || i > start) {
            out.add(piece(in, start, i, max, prefix)); // a line, or a state that is not empty
          }
          start = crlf ? i + 2 : i + 1;
          i = start - 1;
        }
      }
      if (start < in.length) {
        out.add(piece(in, start, in.length, max, prefix)); // the last line, cut short by EOF
      }
      return out;
    }

    static String piece(byte[] in, int start, int end, int max, byte[] prefix) {
      byte[] content = sanitize(Arrays.copyOfRange(in, start, end));
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      if (prefix != null) {
        line.writeBytes(prefix);
      }
      if (content.length <= max) {
        line.writeBytes(content);
      } else {
        int cut = max;
        while ((content[cut] & 0xC0) == 0x80) {
          cut--;
        }
        line.write(content, 0, cut);
        line.writeBytes(SUFFIX.getBytes(UTF_8));
      }
      return line.toString(ISO_8859_1);
    }

    /** WHATWG Encoding Standard, "UTF-8 decoder", with replacement; re-encoded. */
    static byte[] sanitize(byte[] in) {
      StringBuilder sb = new StringBuilder();
      int codePoint = 0;
      int bytesSeen = 0;
      int bytesNeeded = 0;
      int lowerBoundary = 0x80;
      int upperBoundary = 0xBF;
      int p = 0;
      while (true) {
        if (p == in.length) {
          if (bytesNeeded != 0) {
            sb.append('\uFFFD');
          }
          break;
        }
        int b = in[p] & 0xFF;
        if (bytesNeeded == 0) {
          p++;
          if (b <= 0x7F) {
            sb.append((char) b);
          } else if (b >= 0xC2 && b <= 0xDF) {
            bytesNeeded = 1;
            codePoint = b & 0x1F;
          } else if (b >= 0xE0 && b <= 0xEF) {
            if (b == 0xE0) {
              lowerBoundary = 0xA0;
            }
            if (b == 0xED) {
              upperBoundary = 0x9F;
            }
            bytesNeeded = 2;
            codePoint = b & 0xF;
          } else if (b >= 0xF0 && b <= 0xF4) {
            if (b == 0xF0) {
              lowerBoundary = 0x90;
            }
            if (b == 0xF4) {
              upperBoundary = 0x8F;
            }
            bytesNeeded = 3;
            codePoint = b & 0x7;
          } else {
            sb.append('\uFFFD');
          }
          continue;
        }
        if (b < lowerBoundary || b > upperBoundary) {
          codePoint = 0;
          bytesNeeded = 0;
          bytesSeen = 0;
          lowerBoundary = 0x80;
          upperBoundary = 0xBF;
          sb.append('\uFFFD');
          continue; // "prepend byte to stream": look at it again, do not advance
        }
        p++;
        lowerBoundary = 0x80;
        upperBoundary = 0xBF;
        codePoint = (codePoint << 6) | (b & 0x3F);
        bytesSeen++;
        if (bytesSeen == bytesNeeded) {
          sb.appendCodePoint(codePoint);
          codePoint = 0;
          bytesNeeded = 0;
          bytesSeen = 0;
        }
      }
      return sb.toString().getBytes(UTF_8);
    }
  }

  @Test
  @Timeout(10)
  void referenceSelfCheck() {
    assertThat(Reference.frame(utf8("a\r\nb\rc\n\nd"), 100, null))
        .containsExactly("a", "b", "c", "", "d");
    assertThat(Reference.sanitize(bytes(0xED, 0xA0, 0x80))).isEqualTo(utf8(FFFD.repeat(3)));
  }
}
