package monarch.internal.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The line cache changes no grouping and no summary: the TEMPLATE rule with it gives, line by line
 * and group by group, what it gives without it (lines longer than the cached length are never
 * cached, so an aggregator caching lines of 0 bytes scans every line).
 */
class LineCacheTest {

  @Test
  void logCorpusAndEveryStyleGroupAsWithoutTheCache() {
    for (long seed = 1; seed <= 3; seed++) {
      LogCorpus corpus = new LogCorpus(seed, LogCorpus.DEFAULT_TEMPLATES);
      List<Line> lines = new ArrayList<>();
      SplittableRandom rnd = new SplittableRandom(seed);
      for (String l : corpus.lines(3_000)) {
        lines.add(new Line(rnd.nextInt(-1, 8), l));
      }
      assertSameAsUncached(lines, 1_000);
      assertSameAsUncached(lines, 25); // lines past the cap: clusters, overflow
    }
    for (String style : LogStyles.names()) {
      List<Line> lines = new ArrayList<>();
      for (LogStyles.Labeled l : LogStyles.lines(style, 7, 1_500)) {
        lines.add(new Line(-1, l.line()));
      }
      assertSameAsUncached(lines, 1_000);
    }
  }

  /** The cache's own cases: digits that change width, fields that keep their value, ranks. */
  @Test
  void linesThatDifferInDigitsOnlyGroupAndCountAsWithoutTheCache() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int round = 0; round < 20; round++) {
      List<Line> lines = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        int rank = rnd.nextInt(4);
        int kind = rnd.nextInt(5);
        String line =
            switch (kind) {
              case 0 -> // only a counter changes, fixed width: the common case
                  String.format(
                      "rank=%d seq=%09d step done: loss 0.4321 lr 3.0e-4 ok", rank, i / 3);
              case 1 -> // a value that keeps its width but sometimes changes, one that never does
                  "[" + rank + "] worker " + rank + " queue " + rnd.nextInt(10) + " of 9 ready";
              case 2 -> // widths that change: another entry, same part
                  "epoch "
                      + rnd.nextInt(1, 200)
                      + " step "
                      + i
                      + "/2000 loss 0."
                      + rnd.nextInt(999);
              case 3 -> // digits inside words and ids: wk1 vs wk2 is a field either way
                  "host node-0" + rnd.nextInt(10) + " wk" + rnd.nextInt(10) + " says hello there";
              default -> // a long line, over the cached length once in a while
                  "blob " + "x".repeat(rnd.nextInt(490, 530)) + " " + rnd.nextInt(100) + " end";
            };
        lines.add(new Line(rank, line));
      }
      assertSameAsUncached(lines, 1_000);
      assertSameAsUncached(lines, 3);
    }
  }

  @Test
  void aFieldThatKeepsItsValueInOneRankButNotAnotherIsCountedWhole() {
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      // rank 0 keeps temp 40 and changes step; rank 1 changes temp only every 50 lines
      lines.add(new Line(0, "gpu 0 temp 40 step " + (100 + i) + " util 97"));
      lines.add(new Line(1, "gpu 1 temp " + (41 + i / 50) + " step " + (100 + i) + " util 97"));
    }
    assertSameAsUncached(lines, 1_000);
    TemplateAggregator agg = new TemplateAggregator(1_000);
    for (Line l : lines) {
      add(agg, l);
    }
    List<LineAggregator.Summary> groups = agg.drain();
    assertThat(groups).hasSize(1);
    assertThat(groups.get(0).text())
        .isEqualTo("[ranks 0-1] gpu {0..1} temp {40..46} step {100..399} util 97");
  }

  private record Line(int rank, String text) {}

  private static boolean add(TemplateAggregator agg, Line l) {
    byte[] b = ("[pad]" + l.text() + "[pad]").getBytes(StandardCharsets.UTF_8);
    return agg.add(l.rank(), b, 5, b.length - 10); // not at offset 0: the cache reads b[from...]
  }

  private static void assertSameAsUncached(List<Line> lines, int maxParts) {
    TemplateAggregator cached = new TemplateAggregator(maxParts);
    TemplateAggregator plain = new TemplateAggregator(maxParts, 0);
    for (int i = 0; i < lines.size(); i++) {
      Line l = lines.get(i);
      boolean c = add(cached, l);
      assertThat(c).as("line %d grouped: %s", i, l).isEqualTo(add(plain, l));
      if (c) {
        assertThat(cached.lastGroup()).as("line %d's part: %s", i, l).isEqualTo(plain.lastGroup());
      }
      if (i % 700 == 699) { // a window ends: the next one numbers its parts from 0 again
        assertSameGroups(cached.drain(), plain.drain());
      }
    }
    assertSameGroups(cached.drain(), plain.drain());
  }

  private static void assertSameGroups(
      List<LineAggregator.Summary> a, List<LineAggregator.Summary> b) {
    assertThat(a).hasSameSizeAs(b);
    for (int g = 0; g < a.size(); g++) {
      assertThat(a.get(g).count()).isEqualTo(b.get(g).count());
      assertThat(a.get(g).text()).isEqualTo(b.get(g).text());
      assertThat(a.get(g).template()).isEqualTo(b.get(g).template());
      assertThat(a.get(g).parts()).isEqualTo(b.get(g).parts());
    }
  }
}
