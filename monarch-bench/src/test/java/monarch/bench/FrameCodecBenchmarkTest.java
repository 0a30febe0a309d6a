package monarch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.Collection;
import monarch.internal.channel.FrameCodec;
import monarch.internal.channel.ProcFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The frame codec benchmark still measures a working codec: each benchmark method, called once
 * outside JMH, gives back the frame it started from; and JMH itself can run every one of them.
 */
class FrameCodecBenchmarkTest {

  @ParameterizedTest
  @ValueSource(strings = {"small", "large"})
  void everyBenchmarkMethodReturnsTheOriginalFrame(String kind) throws Exception {
    FrameCodecBenchmark bench = new FrameCodecBenchmark();
    bench.frame = kind;
    bench.setup();
    ProcFrame original = FrameCodecBenchmark.frame(kind);
    FrameCodecBenchmark.Rates rates = new FrameCodecBenchmark.Rates();

    ByteBuffer encoded = bench.encode(rates);
    assertSameFrame(FrameCodec.decode(encoded), original);
    assertSameFrame(bench.decode(rates), original);
    assertSameFrame(bench.decode(rates), original); // again: decode rewinds the buffer

    FrameCodecBenchmark.Echo echo = new FrameCodecBenchmark.Echo();
    echo.open();
    try {
      assertSameFrame(bench.roundTrip(echo, rates), original);
      assertSameFrame(bench.roundTrip(echo, rates), original);
    } finally {
      echo.close();
    }
    assertThat(echo.echoer.isAlive()).as("the echo thread ends with the channel").isFalse();

    int size = bench.frameBytes;
    assertThat(size).isGreaterThan(kind.equals("large") ? FrameCodecBenchmark.LARGE_VALUE : 32);
    assertThat(rates.frames).isEqualTo(1 + 2 + 2 * 2);
    assertThat(rates.bytes).isEqualTo(7L * size);
  }

  /** Records compare byte[] components by identity: compare them by content, the rest by equals. */
  static void assertSameFrame(ProcFrame actual, ProcFrame expected) throws Exception {
    assertThat(actual).isNotSameAs(expected).hasSameClassAs(expected);
    for (RecordComponent c : expected.getClass().getRecordComponents()) {
      Object a = c.getAccessor().invoke(actual);
      Object e = c.getAccessor().invoke(expected);
      if (e instanceof byte[] bytes) {
        assertThat((byte[]) a).as(c.getName()).isEqualTo(bytes);
      } else {
        assertThat(a).as(c.getName()).isEqualTo(e);
      }
    }
  }

  @Test
  void jmhRunsEveryBenchmarkOfTheClass() throws Exception {
    Options opts =
        new OptionsBuilder()
            .include(FrameCodecBenchmark.class.getName() + "\\.")
            .forks(0) // in this JVM: a fork would need the jar, this only needs the class path
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(100))
            .shouldFailOnError(true)
            .build();
    Collection<RunResult> results = new Runner(opts).run();
    assertThat(results).hasSize(3 * 2); // encode, decode, roundTrip x small, large
    for (RunResult r : results) {
      assertThat(r.getPrimaryResult().getScore()).as(r.getParams().getBenchmark()).isPositive();
      assertThat(r.getSecondaryResults()).containsKeys("frames", "bytes");
    }
  }
}
