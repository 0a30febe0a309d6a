package monarch.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import monarch.internal.logging.Aggregator;
import monarch.internal.logging.NaiveAggregator;
import monarch.internal.logging.LogCorpus;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Lines per second through the client's similarity aggregation, one thread.
 *
 * <p>Input: {@link LogCorpus} with 100 templates (seed 1), cut into windows of {@code window}
 * lines; one benchmark operation adds every line of the next window, then drains it (what the
 * client does every aggregation period). The {@code lines} counter is reported per second.
 * {@code fast} is {@link Aggregator}; {@code fastBytes} the same on the same lines encoded to
 * UTF-8 up front ({@link Aggregator#add(byte[], int, int)}, no String per line); {@code naive}
 * is the rule as specified (every line against every group by full Levenshtein, as in the
 * tests' reference), on 1,000-line windows only: a 10,000-line window takes it about a minute.
 * The speedup is fast / naive at the same window.
 *
 * <p>Run (from the repository root; about 3 minutes):
 * <pre>
 * mvn -q -o package -pl monarch-mesh,monarch-bench -am -DskipTests
 * java -cp "monarch-bench/target/classes:monarch-bench/target/lib/*" monarch.bench.AggregatorBenchmark
 * </pre>
 * which is {@code org.openjdk.jmh.Main AggregatorBenchmark -f 1 -wi 3 -i 5 -w 3s -r 3s}; any
 * arguments are passed to {@code org.openjdk.jmh.Main} instead.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AggregatorBenchmark {

  static final int WINDOWS = 8;
  static final int MAX_GROUPS = 1024;

  /** Reported per second by JMH: lines added. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Rates {
    public long lines;

    @Setup(Level.Iteration)
    public void reset() {
      lines = 0;
    }
  }

  /** WINDOWS windows of the corpus, taken in turn. */
  abstract static class Windows {
    List<String[]> windows;
    int next;

    void fill(int window) {
      LogCorpus corpus = new LogCorpus(1, LogCorpus.DEFAULT_TEMPLATES);
      windows = new ArrayList<>();
      for (int w = 0; w < WINDOWS; w++) {
        windows.add(corpus.lines(window).toArray(new String[0]));
      }
    }

    String[] nextWindow() {
      return windows.get(advance());
    }

    /** The index of the window to use now; the next call gives the one after it. */
    int advance() {
      int i = next;
      next = (next + 1) % windows.size();
      return i;
    }
  }

  @State(Scope.Thread)
  public static class FastState extends Windows {
    @Param({"1000", "10000"})
    public int window;

    Aggregator aggregator;

    @Setup
    public void setup() {
      fill(window);
      aggregator = new Aggregator(MAX_GROUPS);
    }
  }

  @State(Scope.Thread)
  public static class NaiveState extends Windows {
    NaiveAggregator naive;

    @Setup
    public void setup() {
      fill(1000);
      naive = new NaiveAggregator(MAX_GROUPS);
    }
  }

  @Benchmark
  public void fast(FastState s, Rates rates, Blackhole bh) {
    String[] lines = s.nextWindow();
    Aggregator a = s.aggregator;
    for (String l : lines) {
      bh.consume(a.add(l));
    }
    bh.consume(a.drain());
    rates.lines += lines.length;
  }

  /** The same windows as UTF-8 bytes, as the client reads them, for {@code fastBytes}. */
  @State(Scope.Thread)
  public static class BytesState extends Windows {
    @Param({"1000", "10000"})
    public int window;

    List<byte[][]> encoded;
    Aggregator aggregator;

    @Setup
    public void setup() {
      fill(window);
      encoded = new ArrayList<>();
      for (String[] w : windows) {
        byte[][] e = new byte[w.length][];
        for (int i = 0; i < w.length; i++) {
          e[i] = w[i].getBytes(StandardCharsets.UTF_8);
        }
        encoded.add(e);
      }
      aggregator = new Aggregator(MAX_GROUPS);
    }

    byte[][] nextBytes() {
      return encoded.get(advance());
    }
  }

  @Benchmark
  public void fastBytes(BytesState s, Rates rates, Blackhole bh) {
    byte[][] lines = s.nextBytes();
    Aggregator a = s.aggregator;
    for (byte[] l : lines) {
      bh.consume(a.add(l, 0, l.length));
    }
    bh.consume(a.drain());
    rates.lines += lines.length;
  }

  @Benchmark
  public void naive(NaiveState s, Rates rates, Blackhole bh) {
    String[] lines = s.nextWindow();
    NaiveAggregator a = s.naive;
    for (String l : lines) {
      bh.consume(a.add(l));
    }
    bh.consume(a.drain());
    rates.lines += lines.length;
  }


  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      args = new String[] {AggregatorBenchmark.class.getSimpleName(),
          "-f", "1", "-wi", "3", "-i", "5", "-w", "3s", "-r", "3s"};
    }
    org.openjdk.jmh.Main.main(args);
  }
}
