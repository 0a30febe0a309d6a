package monarch.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import monarch.internal.capture.LineFramer;
import monarch.internal.capture.LineSink;
import monarch.internal.capture.RotatingLineBuffer;
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
 * Throughput of the host-side line framer, the hot path every byte of proc output takes.
 *
 * <p>Input: 1 MiB of ~100-byte log lines, fed in 64 KiB chunks (what one pipe read returns), framed
 * with the {@code "[3] "} rank prefix into a sink that copies them into a batch as the tee does.
 * One benchmark operation frames the whole 1 MiB; the {@code inputBytes} and {@code lines} counters
 * are reported per second, so {@code inputBytes} / 1e6 is MB/s. {@code baselineArraycopy} copies
 * the same chunks with {@link System#arraycopy} and nothing else: the ratio to it is the framer's
 * cost over touching the bytes at all.
 *
 * <p>Run (from the repository root; about 90 s):
 *
 * <pre>
 * mvn -q -o package -pl monarch-mesh,monarch-bench -am -DskipTests
 * java -cp "monarch-bench/target/classes:monarch-bench/target/lib/*" monarch.bench.FramingBenchmark
 * </pre>
 *
 * which is {@code org.openjdk.jmh.Main FramingBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s}; any arguments
 * are passed to {@code org.openjdk.jmh.Main} instead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FramingBenchmark {

  static final int INPUT_SIZE = 1 << 20;
  static final int CHUNK_SIZE = 64 * 1024;
  static final byte[] PREFIX = "[3] ".getBytes(StandardCharsets.UTF_8);

  /** Fraction of lines that carry non-ASCII text (the UTF-8 state machine's share). */
  @Param({"0"})
  public int nonAsciiPercent;

  byte[] input;
  int inputLines;
  byte[] copyTarget;

  CountingSink sink;
  LineFramer framer;
  LineFramer framerNoPrefix;
  RotatingLineBuffer ring;
  LineFramer framerIntoRing;

  /** Reported per second by JMH: input bytes framed and lines emitted. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Rates {
    public long inputBytes;
    public long lines;

    @Setup(Level.Iteration)
    public void reset() {
      inputBytes = 0;
      lines = 0;
    }
  }

  /**
   * Copies each line into a 64 KiB batch buffer, as the tee does (so both of the framer's ways of
   * handing a line over cost what they cost there), and counts bytes; the count goes to the
   * Blackhole once per operation.
   */
  static final class CountingSink implements LineSink {
    final byte[] batch = new byte[CHUNK_SIZE + LineFramer.MAX_LINE_SIZE + 64];
    int at;
    long bytes;

    @Override
    public void line(byte[] buf, int off, int len) {
      int to = room(len);
      System.arraycopy(buf, off, batch, to, len);
      bytes += len;
    }

    @Override
    public void line(byte[] prefix, int prefixLen, byte[] text, int off, int len) {
      int to = room(prefixLen + len);
      System.arraycopy(prefix, 0, batch, to, prefixLen);
      System.arraycopy(text, off, batch, to + prefixLen, len);
      bytes += prefixLen + len;
    }

    private int room(int len) {
      if (at + len + 1 > batch.length) {
        at = 0; // a full batch is sent: start the next
      }
      int to = at;
      at += len + 1;
      batch[at - 1] = '\n';
      return to;
    }
  }

  @Setup
  public void setup() {
    input = lines(new Random(3), INPUT_SIZE, nonAsciiPercent);
    inputLines = 0;
    for (byte b : input) {
      if (b == '\n') {
        inputLines++;
      }
    }
    copyTarget = new byte[CHUNK_SIZE];
    sink = new CountingSink();
    framer = new LineFramer(LineFramer.MAX_LINE_SIZE, PREFIX, sink);
    framerNoPrefix = new LineFramer(LineFramer.MAX_LINE_SIZE, null, sink);
    ring = new RotatingLineBuffer(100);
    framerIntoRing = new LineFramer(LineFramer.MAX_LINE_SIZE, PREFIX, ring::add);
  }

  /** Log-like lines of 80..120 bytes (100 on average) ending in '\n', exactly size bytes in all. */
  static byte[] lines(Random rnd, int size, int nonAsciiPercent) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(size + 256);
    String[] words = {
      "step",
      "loss",
      "INFO",
      "worker",
      "rank",
      "grad_norm",
      "lr",
      "throughput",
      "tokens/s",
      "epoch",
      "batch",
      "allreduce",
      "ms",
      "ok",
      "checkpoint",
      "saved"
    };
    String[] wide = {"é", "→", "μs", "✓", "日本語", "\uD83D\uDE00"};
    int n = 0;
    while (out.size() < size) {
      StringBuilder line = new StringBuilder(128);
      line.append("2025-11-21 10:00:").append(10 + n % 50).append(" ");
      int target = 80 + rnd.nextInt(41);
      boolean nonAscii = rnd.nextInt(100) < nonAsciiPercent;
      while (line.length() < target - 1) {
        if (nonAscii && rnd.nextInt(4) == 0) {
          line.append(wide[rnd.nextInt(wide.length)]).append(' ');
        } else {
          line.append(words[rnd.nextInt(words.length)])
              .append('=')
              .append(rnd.nextInt(100_000))
              .append(' ');
        }
      }
      byte[] b = line.toString().getBytes(StandardCharsets.UTF_8);
      int len = Math.min(b.length, target - 1);
      while (len > 0 && len < b.length && (b[len] & 0xC0) == 0x80) {
        len--; // do not cut a character
      }
      out.write(b, 0, len);
      out.write('\n');
      n++;
    }
    byte[] all = out.toByteArray();
    byte[] exact = java.util.Arrays.copyOf(all, size);
    exact[size - 1] = '\n';
    return exact;
  }

  private void frame(LineFramer f, Rates rates, Blackhole bh) {
    byte[] in = input;
    for (int off = 0; off < in.length; off += CHUNK_SIZE) {
      f.feed(in, off, Math.min(CHUNK_SIZE, in.length - off));
    }
    bh.consume(sink.bytes);
    rates.inputBytes += in.length;
    rates.lines += inputLines;
  }

  /** The production configuration: "[3] " prefix, 64 KiB chunks, sink counts bytes. */
  @Benchmark
  public void framePrefixed(Rates rates, Blackhole bh) {
    frame(framer, rates, bh);
  }

  /** No prefix: complete lines are handed to the sink straight out of the chunk. */
  @Benchmark
  public void frameNoPrefix(Rates rates, Blackhole bh) {
    frame(framerNoPrefix, rates, bh);
  }

  /** Prefixed, each line also copied into the last-100-lines ring (what the tee keeps). */
  @Benchmark
  public void framePrefixedIntoRing(Rates rates, Blackhole bh) {
    frame(framerIntoRing, rates, bh);
    bh.consume(ring);
  }

  /** Baseline: the same chunks copied with System.arraycopy, no framing at all. */
  @Benchmark
  public void baselineArraycopy(Rates rates, Blackhole bh) {
    byte[] in = input;
    byte[] dst = copyTarget;
    for (int off = 0; off < in.length; off += CHUNK_SIZE) {
      int n = Math.min(CHUNK_SIZE, in.length - off);
      System.arraycopy(in, off, dst, 0, n);
      bh.consume(dst);
    }
    rates.inputBytes += in.length;
    rates.lines += inputLines;
  }

  public static void main(String[] args) throws Exception {
    JmhMain.run(FramingBenchmark.class, 2, args);
  }
}
