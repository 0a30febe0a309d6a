package monarch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import monarch.bench.OutputCheck.Format;
import monarch.bench.OutputCheck.Result;
import org.junit.jupiter.api.Test;

/** The count check on hand-made outputs: it passes exact output and catches every kind of loss. */
class OutputCheckTest {
  static final int RANKS = 2;
  static final int LINES = 3;

  /** The producer's line for (rank, seq), without its newline, exactly as producer.c builds it. */
  static String line(int rank, int seq) {
    StringBuilder s =
        new StringBuilder(
            String.format(
                "rank=%d seq=%09d step done: loss 0.4321 lr 3.0e-4 tokens/s"
                    + " 123456 grad_norm 1.2345 ok",
                rank, seq));
    while (s.length() < OutputCheck.LINE_BYTES - 1) {
      s.append('.');
    }
    return s.toString();
  }

  static List<String> monarchLines() {
    List<String> out = new ArrayList<>();
    for (int seq = 0; seq < LINES; seq++) {
      for (int r = 0; r < RANKS; r++) {
        out.add("[vm 12" + r + "] [" + r + "] " + line(r, seq));
      }
    }
    return out;
  }

  static Result check(Format f, List<String> lines) throws IOException {
    return check(f, String.join("\n", lines) + "\n");
  }

  static Result check(Format f, String text) throws IOException {
    return OutputCheck.check(
        f, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), RANKS, LINES);
  }

  @Test
  void monarchLinesPassWhenEveryCounterArrivesOnceInOrder() throws IOException {
    Result r = check(Format.MONARCH_LINES, monarchLines());
    assertThat(r.passed()).as(r.detail()).isTrue();
    assertThat(r.delivered()).isEqualTo(RANKS * LINES);
  }

  @Test
  void monarchLinesFailOnALostADuplicatedOrAReorderedLine() throws IOException {
    List<String> lost = monarchLines();
    lost.remove(2);
    assertThat(check(Format.MONARCH_LINES, lost).passed()).isFalse();

    List<String> twice = monarchLines();
    twice.add(3, twice.get(2));
    twice.remove(twice.size() - 1); // same number of lines, one of them twice
    assertThat(check(Format.MONARCH_LINES, twice).passed()).isFalse();

    List<String> swapped = monarchLines();
    swapped.add(0, swapped.remove(2));
    Result r = check(Format.MONARCH_LINES, swapped);
    assertThat(r.passed()).isFalse();
    assertThat(r.detail()).contains("rank 0: seq 1 where 0 was due");
  }

  @Test
  void monarchLinesFailOnALineUnderAnotherRanksPrefix() throws IOException {
    List<String> out = monarchLines();
    out.set(0, "[vm 120] [1] " + line(0, 0));
    assertThat(check(Format.MONARCH_LINES, out).passed()).isFalse();
  }

  @Test
  void aggregatedOutputPassesWhenGroupCountsAndSingleLinesAddUp() throws IOException {
    List<String> out =
        List.of(
            ">>> Aggregated Logs (2026-11-21 10:00:00) >>>",
            "[4 similar log lines] [0] " + line(0, 0),
            "<<< Aggregated Logs (2026-11-21 10:00:03) <<<",
            "[vm 121] [1] " + line(1, 2),
            ">>> Aggregated Logs (2026-11-21 10:00:03) >>>",
            "[1 similar log lines] [1] " + line(1, 1),
            "<<< Aggregated Logs (2026-11-21 10:00:04) <<<");
    Result r = check(Format.MONARCH_AGGREGATED, out);
    assertThat(r.passed()).as(r.detail()).isTrue();

    List<String> short1 = new ArrayList<>(out);
    short1.set(1, "[3 similar log lines] [0] " + line(0, 0));
    assertThat(check(Format.MONARCH_AGGREGATED, short1).passed()).isFalse();

    // TEMPLATE: a group says its ranks and what varied; its count is what is checked
    List<String> template = new ArrayList<>(out);
    template.set(1, "[4 similar log lines] [rank 0] rank=0 seq={0..3} xxx");
    Result t = check(Format.MONARCH_AGGREGATED, template);
    assertThat(t.passed()).as(t.detail()).isTrue();
    template.set(1, "[3 similar log lines] [rank 0] rank=0 seq={0..3} xxx");
    assertThat(check(Format.MONARCH_AGGREGATED, template).passed()).isFalse();
  }

  @Test
  void mpirunChunksAreReassembledPerRankAndTornLinesCounted() throws IOException {
    StringBuilder out = new StringBuilder();
    for (int seq = 0; seq < LINES; seq++) {
      if (seq == 1) {
        // rank 0's line torn by a chunk of rank 1, as mpirun --tag-output prints it
        out.append("[1,0]<stdout>:")
            .append(line(0, 1), 0, 30)
            .append("[1,1]<stdout>:")
            .append(line(1, 1))
            .append('\n');
        out.append("[1,0]<stdout>:").append(line(0, 1).substring(30)).append('\n');
      } else {
        for (int r = 0; r < RANKS; r++) {
          out.append("[1,").append(r).append("]<stdout>:").append(line(r, seq)).append('\n');
        }
      }
    }
    Result r = check(Format.MPIRUN_TAGGED, out.toString());
    assertThat(r.passed()).as(r.detail()).isTrue();
    assertThat(r.detail()).contains("1 lines").contains("torn");

    String lost = out.toString().replace("[1,1]<stdout>:" + line(1, 2) + "\n", "");
    assertThat(check(Format.MPIRUN_TAGGED, lost).passed()).isFalse();
  }

  @Test
  void rawPipeCountsNewlinesAndBytes() throws IOException {
    List<String> out = new ArrayList<>();
    for (int r = 0; r < RANKS; r++) {
      for (int seq = 0; seq < LINES; seq++) {
        out.add(line(r, seq));
      }
    }
    assertThat(check(Format.RAW, out).passed()).isTrue();
    out.set(0, out.get(0).substring(1));
    assertThat(check(Format.RAW, out).passed()).isFalse();
  }

  @Test
  void producerTimesCountAGroupAsTheProducersItStandsFor() {
    OutputCheck.ProducerTimes t =
        OutputCheck.producerTimes(
            List.of(
                "[vm 1] [0] producer-ns 0 1000",
                "[2 similar log lines] [1] producer-ns 1 2000",
                ">>> Aggregated Logs (2026-11-21 10:00:00) >>>",
                "[1,3]<stderr>:producer-ns 3 3000",
                "[3 similar log lines] [ranks 4-6] producer-ns {4..6} {3 values}",
                "a warning"));
    assertThat(t.reported()).isEqualTo(7);
    assertThat(t.nanos()).containsExactly(1000L, 2000L, 3000L);
    assertThat(t.otherLines()).containsExactly("a warning");
  }
}
