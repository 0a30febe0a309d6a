package monarch.internal.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import monarch.internal.aggregate.Aggregator.Group;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
class AggregatorTest {
  private static final String BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  private static List<Group> run(int maxGroups, String... lines) {
    Aggregator a = new Aggregator(maxGroups);
    for (String l : lines) {
      a.add(l);
    }
    return a.drain();
  }

  @Test
  void rejectsCapBelowOne() {
    assertThatThrownBy(() -> new Aggregator(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxGroups");
    assertThatThrownBy(() -> new Aggregator(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void identicalLinesMakeOneGroup() {
    assertThat(run(10, "[0] hello", "[0] hello", "[0] hello"))
        .containsExactly(new Group("[0] hello", 3));
  }

  @Test
  void linesDifferingByANumberGroupUnderTheirFirstLine() {
    assertThat(
            run(
                10,
                "[0] step 1234 loss 0.5321",
                "[1] step 1235 loss 0.5322",
                "[2] step 1236 loss 0.5320"))
        .containsExactly(new Group("[0] step 1234 loss 0.5321", 3));
  }

  @Test
  void thresholdIsStrict() {
    String rep = "abcdefghijklmnopqrst"; // 20 chars: 3 edits is exactly 0.15, 2 is 0.10
    String three = "XYZdefghijklmnopqrst";
    String two = "XYcdefghijklmnopqrst";
    assertThat(NaiveAggregator.distance(three, rep)).isEqualTo(Aggregator.THRESHOLD);
    assertThat(run(10, rep, three)).containsExactly(new Group(rep, 1), new Group(three, 1));
    assertThat(run(10, rep, two)).containsExactly(new Group(rep, 2));
    // by length alone: 20 vs 17 chars is 3 / 20 = 0.15 (not similar), vs 18 is 0.10
    assertThat(run(10, rep, rep.substring(3))).hasSize(2);
    assertThat(run(10, rep, rep.substring(2))).containsExactly(new Group(rep, 2));
  }

  @Test
  void tiesGoToTheEarliestGroup() {
    String a = "value 00000000000000"; // 20 chars
    String b = "value 11110000000000"; // 4 edits from a: its own group
    String bLike = "value 11110000000001"; // joins b, and leaves b as the hint for this shape
    String between = "value 11000000000000"; // 2 edits from a and from b
    assertThat(NaiveAggregator.distance(between, a))
        .isEqualTo(NaiveAggregator.distance(between, b));
    assertThat(run(10, a, b, bLike, between)).containsExactly(new Group(a, 2), new Group(b, 2));
  }

  @Test
  void closerLaterGroupWinsOverEarlierOne() {
    String a = "value 00000000000000";
    String b = "value 11110000000000";
    String nearB = "value 11100000000000"; // 1 from b, 3 from a
    assertThat(run(10, a, b, nearB)).containsExactly(new Group(a, 1), new Group(b, 2));
  }

  @Test
  void emptyLines() {
    assertThat(run(10, "", "", "x", "")).containsExactly(new Group("", 3), new Group("x", 1));
  }

  @Test
  void overflowAtTheCapIsNotCounted() {
    Aggregator a = new Aggregator(2);
    assertThat(a.add("first line of one kind")).isTrue();
    assertThat(a.add("a second, different line")).isTrue();
    assertThat(a.add("yet another unrelated thing")).isFalse();
    assertThat(a.add("first line of one kind!")).isTrue(); // still joins at the cap
    assertThat(a.groupCount()).isEqualTo(2);
    assertThat(a.drain())
        .containsExactly(
            new Group("first line of one kind", 2), new Group("a second, different line", 1));
  }

  @Test
  void drainResets() {
    Aggregator a = new Aggregator(4);
    assertThat(a.isEmpty()).isTrue();
    assertThat(a.drain()).isEmpty();
    a.add("one");
    a.add("one");
    assertThat(a.isEmpty()).isFalse();
    assertThat(a.groupCount()).isEqualTo(1);
    assertThat(a.drain()).containsExactly(new Group("one", 2));
    assertThat(a.isEmpty()).isTrue();
    assertThat(a.groupCount()).isZero();
    a.add("one");
    assertThat(a.drain()).containsExactly(new Group("one", 1));
  }

  @Test
  void charsAreUtf16Units() {
    // the emoji is two chars: one edit away from "ab\uD83D" plus one char, i.e. 1 / 4 apart
    String emoji = "ab\uD83D\uDE00";
    assertThat(NaiveAggregator.distance(emoji, "ab\uD83Dx")).isEqualTo(0.25);
    List<Group> fast = run(10, emoji, "ab\uD83Dx", "ab\uD83D\uDE00");
    assertThat(fast).containsExactly(new Group(emoji, 2), new Group("ab\uD83Dx", 1));
  }

  @Test
  void asciiLineAgainstNonAsciiRepresentative() {
    String rep = "[0] caf\u00e9 au lait 12345 \u2713";
    List<String> lines =
        List.of(
            rep,
            "[1] cafe au lait 12346 v",
            "[2] cafe au lait 12347 \u2713",
            "[3] cafe au lait 99999 x",
            "[4] caf\u00e9 au lait 12345 \u2713");
    assertSameAsNaive(10, lines);
    assertThat(run(10, lines.toArray(new String[0])).get(0).count()).isGreaterThan(2);
  }

  /** Lines near each other and near the threshold: mutations of a few bases, small alphabets. */
  @Test
  void matchesNaiveOnRandomLines() {
    for (long seed : new long[] {42, 43}) { // a third cost 7 s of a suite near its budget
      matchesNaiveOnRandomLines(seed);
    }
  }

  private static void matchesNaiveOnRandomLines(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    String[] alphabets = {
      "ab", "abc", "a b", "01", "xyz\u00e9", "a\uD83D\uDE00", "ab0 [].", "abcdefghij", "abc\u00e9"
    };
    int[] caps = {1, 2, 3, 8, 30, 1000};
    int windows = 0;
    int lines = 0;
    for (int w = 0; w < 120; w++) {
      String alphabet = alphabets[w % alphabets.length];
      int cap = caps[rnd.nextInt(caps.length)];
      boolean longLines = w % 20 == 19; // past 420 chars the bit-parallel band no longer fits
      List<String> bases = new ArrayList<>();
      for (int b = 1 + rnd.nextInt(6); b > 0; b--) {
        int len = longLines ? 420 + rnd.nextInt(200) : rnd.nextInt(61);
        bases.add(randomString(rnd, alphabet, len));
      }
      List<String> window = new ArrayList<>();
      for (int i = longLines ? 30 : 150; i > 0; i--) {
        String base = bases.get(rnd.nextInt(bases.size()));
        // up to ~0.3 of the length in edits: half of the lines land near the threshold
        int edits = rnd.nextInt(2 + (int) (base.length() * 0.3));
        window.add(mutate(rnd, base, edits, alphabet));
      }
      assertSameAsNaive(cap, window);
      windows++;
      lines += window.size();
    }
    assertThat(windows).isEqualTo(120);
    assertThat(lines).isGreaterThan(10_000);
  }

  /** A mix of the realistic corpus, its lines' near misses, and a cap that overflows. */
  @Test
  void matchesNaiveOnRealisticCorpus() {
    LogCorpus corpus = new LogCorpus(7, LogCorpus.DEFAULT_TEMPLATES);
    assertSameAsNaive(1000, corpus.lines(500));
    assertSameAsNaive(1000, corpus.lines(500));
    assertSameAsNaive(40, corpus.lines(500));
  }

  /** More corpus seeds and window sizes, and caps small enough to hit the key table's limits. */
  @Test
  void matchesNaiveOnMoreCorpusWindows() {
    for (long seed : new long[] {1, 2}) { // a third cost 10 s of a suite near its time budget
      LogCorpus corpus = new LogCorpus(seed, LogCorpus.DEFAULT_TEMPLATES);
      assertSameAsNaive(1024, corpus.lines(1000));
      assertSameAsNaive(4, corpus.lines(300));
      assertSameAsNaive(120, corpus.lines(800));
    }
  }

  /**
   * Lines built like the corpus's id-carrying ones: one fixed text with hex and digit fields, so
   * that many pairs share a skeleton and sit just above or below the threshold, with upper-case
   * hex, fields of varying width, non-ASCII text and long lines mixed in.
   */
  @Test
  void matchesNaiveOnIdLinesNearTheThreshold() {
    SplittableRandom rnd = new SplittableRandom(7);
    String[] texts = {
      "[%] request % done status=ok id=% took %ms",
      "Saving caf\u00e9 state: % keys, % bytes, sha %",
      "{\"ts\": %, \"event\": \"x\", \"id\": \"%-%\"}",
      "%"
    };
    for (int w = 0; w < 40; w++) {
      String text = texts[w % texts.length];
      int[] widths = new int[8];
      for (int f = 0; f < widths.length; f++) {
        widths[f] = 1 + rnd.nextInt(w % 5 == 4 ? 40 : 12);
      }
      List<String> bases = new ArrayList<>();
      for (int b = 1 + rnd.nextInt(3); b > 0; b--) {
        bases.add(fill(rnd, text, widths, w % 3 == 0));
      }
      List<String> window = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        String line =
            rnd.nextInt(3) == 0
                ? fill(rnd, text, widths, w % 3 == 0)
                : mutate(
                    rnd, bases.get(rnd.nextInt(bases.size())), rnd.nextInt(8), "0123456789abcdefA");
        window.add(line);
      }
      assertSameAsNaive(w % 4 == 0 ? 5 : 1000, window);
    }
  }

  /**
   * Long lines (k >= 64: the wide band, and the q-gram bound) near the threshold: edits spread over
   * a shared text, ASCII and not, with lengths that differ.
   */
  @Test
  void matchesNaiveOnLongLinesNearTheThreshold() {
    SplittableRandom rnd = new SplittableRandom(5);
    String[] alphabets = {BASE64, "ab01 ", "ab\u00e9 ", cjk(300)};
    for (int w = 0; w < 12; w++) {
      String alphabet = alphabets[w % alphabets.length];
      String text = randomString(rnd, alphabet, 430 + rnd.nextInt(300));
      List<String> window = new ArrayList<>();
      for (int i = 0; i < 16; i++) { // (more would pass the work budget: ~3k cells a pair)
        int edits = (int) (text.length() * (0.05 + 0.2 * rnd.nextDouble()));
        window.add(mutate(rnd, text, edits, alphabet));
      }
      assertSameAsNaive(1000, window);
    }
  }

  /** Random text (encoded blobs) is told apart by the q-gram bound: no edit distance at all. */
  @Test
  void longRandomLinesAreSettledWithoutEditDistances() {
    SplittableRandom rnd = new SplittableRandom(9);
    List<String> window = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      window.add(randomString(rnd, BASE64, 1000 + rnd.nextInt(3000)));
    }
    Aggregator a = new Aggregator(1000);
    for (int i = 0; i < window.size(); i++) {
      String l = window.get(i);
      assertThat(a.add(l)).isTrue();
      // the q-gram comparisons alone: at most a quarter unit a word, 1,024 words a group
      assertThat(a.lastLineWork())
          .as("work for a line of %d chars", l.length())
          .isLessThanOrEqualTo(256L * i);
    }
    assertThat(a.groupCount()).isEqualTo(60);
  }

  /**
   * Long lines near the threshold of many groups: each line's work stops at the budget, a line that
   * ran out is printed on its own (add returns false) or joins a close group found so far, and
   * every line is either counted once or returned as printed alone.
   */
  @Test
  void workPerLineIsBounded() {
    SplittableRandom rnd = new SplittableRandom(3);
    String text = randomString(rnd, BASE64, 4000);
    Aggregator a = new Aggregator(1000);
    int alone = 0;
    for (int i = 0; i < 120; i++) {
      char[] c = text.toCharArray();
      for (int j = 0; j < 700; j++) { // a random field of about 0.17 of the line
        c[1000 + j] = BASE64.charAt(rnd.nextInt(BASE64.length()));
      }
      boolean counted = a.add(new String(c));
      if (!counted) {
        alone++;
        assertThat(a.lastLineExhausted())
            .as("only a line that ran out is printed alone here")
            .isTrue();
      }
      assertThat(a.lastLineWork()).isLessThanOrEqualTo(Aggregator.WORK_PER_LINE);
    }
    assertThat(alone).isPositive();
    assertThat(a.groupCount()).isLessThan(1000);
    long counted = a.drain().stream().mapToLong(Group::count).sum();
    assertThat(counted + alone).isEqualTo(120);
  }

  /** Pure-ASCII bytes are read in place; the rest decodes. Both must group as the Strings do. */
  @Test
  void bytePathMatchesStringPath() {
    SplittableRandom rnd = new SplittableRandom(11);
    List<byte[]> lines = new ArrayList<>();
    for (String l : new LogCorpus(5, LogCorpus.DEFAULT_TEMPLATES).lines(600)) {
      lines.add(l.getBytes(StandardCharsets.UTF_8));
    }
    for (int i = 0; i < 400; i++) {
      byte[] base = lines.get(rnd.nextInt(lines.size())).clone();
      int kind = rnd.nextInt(4);
      if (kind == 0) { // non-ASCII text, well formed
        String s = new String(base, StandardCharsets.UTF_8) + " \u00e9\u2713\uD83D\uDE00";
        base = s.getBytes(StandardCharsets.UTF_8);
      } else if (kind == 1) { // a stray byte: malformed, replaced on decoding
        base[rnd.nextInt(base.length)] = (byte) (0x80 + rnd.nextInt(128));
      } else if (kind == 2) { // a truncated multi-byte sequence at the end
        base = Arrays.copyOf(base, base.length + 1);
        base[base.length - 1] = (byte) 0xE2;
      }
      lines.add(base);
    }
    lines.add(new byte[0]);
    lines.add(new byte[0]);
    for (int cap : new int[] {3, 1000}) {
      Aggregator fromStrings = new Aggregator(cap);
      Aggregator fromBytes = new Aggregator(cap);
      Aggregator mixed = new Aggregator(cap); // both entry points on one instance, in turn
      NaiveAggregator naive = new NaiveAggregator(cap);
      for (int round = 0; round < 2; round++) {
        for (byte[] l : lines) {
          // the line in the middle of a bigger buffer, so off and len matter
          int pad = rnd.nextInt(4);
          byte[] buf = new byte[l.length + 2 * pad];
          Arrays.fill(buf, (byte) 'z');
          System.arraycopy(l, 0, buf, pad, l.length);
          String s = new String(l, StandardCharsets.UTF_8);
          boolean expected = naive.add(s);
          assertThat(fromStrings.add(s)).isEqualTo(expected);
          assertThat(fromBytes.add(buf, pad, l.length)).as("bytes of %s", s).isEqualTo(expected);
          boolean viaBytes = rnd.nextBoolean();
          assertThat(viaBytes ? mixed.add(buf, pad, l.length) : mixed.add(s)).isEqualTo(expected);
        }
        List<Group> groups = naive.drain();
        assertThat(fromStrings.drain()).isEqualTo(groups);
        assertThat(fromBytes.drain()).isEqualTo(groups);
        assertThat(mixed.drain()).isEqualTo(groups);
      }
    }
  }

  @Test
  void bytePathChecksItsRange() {
    Aggregator a = new Aggregator(4);
    assertThatThrownBy(() -> a.add(new byte[4], 2, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(a.add("abc".getBytes(StandardCharsets.US_ASCII), 1, 2)).isTrue();
    assertThat(a.drain()).containsExactly(new Group("bc", 1));
  }

  @Test
  void corpusIsDeterministic() {
    assertThat(new LogCorpus(3, 100).lines(50)).isEqualTo(new LogCorpus(3, 100).lines(50));
    assertThat(new LogCorpus(3, 100).lines(50)).isNotEqualTo(new LogCorpus(4, 100).lines(50));
  }

  /**
   * Runs of one message with a few chars changed, as progress lines are, next to messages just past
   * the threshold from it: the "group of the line before" shortcut must still pick the naive rule's
   * group. Small alphabets and short lines put other groups as close as they can be.
   */
  @Test
  void runsOfOneMessageMatchNaive() {
    for (long seed = 1; seed <= 6; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      String alphabet = seed % 2 == 0 ? "ab" : "abcdefgh0123456789 ";
      List<String> bases = new ArrayList<>();
      for (int b = 0; b < 6; b++) {
        int len = 8 + rnd.nextInt(b % 2 == 0 ? 40 : 200);
        String base =
            b > 0 && rnd.nextBoolean()
                // a neighbour of an earlier base, about at the threshold from it
                ? mutate(rnd, bases.get(rnd.nextInt(b)), 1 + rnd.nextInt(12), alphabet)
                : randomString(rnd, alphabet, len);
        bases.add(base);
      }
      List<String> window = new ArrayList<>();
      while (window.size() < 1_500) {
        String base = bases.get(rnd.nextInt(bases.size()));
        int limit = Math.max(1, (int) (0.15 * base.length() / 2));
        for (int k = 1 + rnd.nextInt(30); k > 0; k--) {
          window.add(mutate(rnd, base, rnd.nextInt(limit + 3), alphabet));
        }
      }
      assertSameAsNaive(1000, window);
      assertSameAsNaive(3, window);
    }
  }

  /** One group, lines around the threshold from it (equal lengths and not): it alone decides. */
  @Test
  void linesAroundTheThresholdOfTheOnlyGroupMatchNaive() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int len : new int[] {20, 40, 100, 103, 250}) {
      String base = randomString(rnd, "abcdef0123456789", len);
      List<String> window = new ArrayList<>(List.of(base));
      for (int i = 0; i < 400; i++) {
        int edits = (int) (0.15 * len) - 2 + rnd.nextInt(5);
        String l =
            i % 2 == 0
                ? substitute(rnd, base, edits)
                : mutate(rnd, base, edits, "abcdef0123456789");
        window.add(l);
      }
      assertSameAsNaive(1000, window);
    }
  }

  private static String substitute(SplittableRandom rnd, String s, int edits) {
    char[] c = s.toCharArray();
    for (int e = 0; e < edits; e++) {
      int i = rnd.nextInt(c.length);
      c[i] = c[i] == 'x' ? 'y' : 'x';
    }
    return new String(c);
  }

  private static void assertSameAsNaive(int cap, List<String> window) {
    NaiveAggregator naive = new NaiveAggregator(cap);
    List<Boolean> accepted = new ArrayList<>();
    for (String l : window) {
      accepted.add(naive.add(l));
    }
    List<Group> groups = naive.drain();
    // one instance over two windows, so whatever drain() leaves behind is covered too
    Aggregator fast = new Aggregator(cap);
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < window.size(); i++) {
        String l = window.get(i);
        assertThat(fast.add(l)).as("add #%d %s (cap %d)", i, l, cap).isEqualTo(accepted.get(i));
        // exact within the work budget: a test whose lines ran out would compare nothing
        assertThat(fast.lastLineExhausted()).as("add #%d ran out of work budget", i).isFalse();
      }
      assertThat(fast.drain()).isEqualTo(groups);
      assertThat(fast.isEmpty()).isTrue();
    }
  }

  /** text with each % replaced by a random field of the next width: hex (maybe upper-case). */
  private static String fill(SplittableRandom rnd, String text, int[] widths, boolean upper) {
    StringBuilder sb = new StringBuilder();
    int f = 0;
    for (char c : text.toCharArray()) {
      if (c != '%') {
        sb.append(c);
        continue;
      }
      for (int i = widths[f++ % widths.length]; i > 0; i--) {
        char h = Character.forDigit(rnd.nextInt(16), 16);
        sb.append(upper ? Character.toUpperCase(h) : h);
      }
    }
    return sb.toString();
  }

  /** n distinct CJK ideographs: non-ASCII chars, each its own match-mask row. */
  private static String cjk(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) (0x4E00 + i));
    }
    return sb.toString();
  }

  private static String randomString(SplittableRandom rnd, String alphabet, int len) {
    StringBuilder sb = new StringBuilder(len);
    for (int i = 0; i < len; i++) {
      sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static String mutate(SplittableRandom rnd, String s, int edits, String alphabet) {
    StringBuilder sb = new StringBuilder(s);
    for (int e = 0; e < edits; e++) {
      int op = rnd.nextInt(3);
      char c = alphabet.charAt(rnd.nextInt(alphabet.length()));
      if (op == 0 || sb.length() == 0) {
        sb.insert(rnd.nextInt(sb.length() + 1), c);
      } else if (op == 1) {
        sb.deleteCharAt(rnd.nextInt(sb.length()));
      } else {
        sb.setCharAt(rnd.nextInt(sb.length()), c);
      }
    }
    return sb.toString();
  }
}
