package monarch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import monarch.internal.channel.FrameChannel;
import monarch.internal.channel.FrameCodec;
import monarch.internal.channel.FrameException;
import monarch.internal.channel.ProcFrame;
import monarch.internal.channel.SocketDirectory;
import monarch.internal.channel.ValueCodec;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * Throughput of the proc-channel frame codec ({@link FrameCodec}: 4-byte length, version byte,
 * Jackson CBOR of a {@link ProcFrame}), which every actor call, reply and control message between a
 * host agent and its procs goes through.
 *
 * <p>Frames: {@code small} is the typical actor call, a {@code Call} whose arguments are ~32 bytes
 * of CBOR (an int, a 20-character string, a double); {@code large} is a {@code Reply} carrying a 64
 * KiB value. {@code encode} turns the frame into the bytes written to the socket; {@code decode}
 * turns those bytes (held in memory) back into the frame. {@code roundTrip} sends the frame through
 * a real {@link FrameChannel} over a Unix socket to a thread that reads it and writes it back, and
 * reads the echo: two encodes, two decodes, two socket hops and two thread wake-ups, what an
 * endpoint call with a reply costs the channel minus the endpoint itself. The {@code frames} and
 * {@code bytes} counters (encoded frames and bytes, both directions for the round trip) are
 * reported per second, so {@code bytes} / 1e6 is MB/s; the score of {@code roundTrip} is round
 * trips per second.
 *
 * <p>Run (from the repository root; about 1 minute):
 *
 * <pre>
 * mvn -q -o package -pl monarch-mesh,monarch-bench -am -DskipTests
 * java -cp "monarch-bench/target/classes:monarch-bench/target/lib/*" monarch.bench.FrameCodecBenchmark
 * </pre>
 *
 * which is {@code org.openjdk.jmh.Main FrameCodecBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s}; any
 * arguments are passed to {@code org.openjdk.jmh.Main} instead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FrameCodecBenchmark {

  static final int LARGE_VALUE = 64 * 1024;

  @Param({"small", "large"})
  public String frame;

  ProcFrame original;
  ByteBuffer encoded;
  int frameBytes;

  /** Reported per second by JMH: frames and bytes encoded or decoded. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Rates {
    public long frames;
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
      frames = 0;
      bytes = 0;
    }
  }

  /** The frame the benchmark's {@code frame} parameter names. */
  static ProcFrame frame(String kind) {
    switch (kind) {
      case "small":
        return new ProcFrame.Call(
            1234,
            "trainer",
            "step",
            ValueCodec.encodeArgs(17, "layers.3.attn.q_proj", 3.0e-4),
            true);
      case "large":
        byte[] value = new byte[LARGE_VALUE];
        new Random(5).nextBytes(value); // incompressible, like a tensor shard
        return ProcFrame.Reply.ok(1234, value);
      default:
        throw new IllegalArgumentException("frame must be small or large, not " + kind);
    }
  }

  @Setup
  public void setup() throws FrameException {
    original = frame(frame);
    encoded = FrameCodec.encode(original);
    frameBytes = encoded.remaining();
  }

  @Benchmark
  public ByteBuffer encode(Rates rates) throws FrameException {
    ByteBuffer out = FrameCodec.encode(original);
    rates.frames++;
    rates.bytes += out.remaining();
    return out;
  }

  @Benchmark
  public ProcFrame decode(Rates rates) throws FrameException {
    ProcFrame in = FrameCodec.decode(encoded.position(0));
    rates.frames++;
    rates.bytes += frameBytes;
    return in;
  }

  @Benchmark
  public ProcFrame roundTrip(Echo echo, Rates rates) throws IOException {
    echo.client.write(original);
    ProcFrame back = echo.client.read();
    rates.frames += 2;
    rates.bytes += 2L * frameBytes;
    return back;
  }

  /** A connected Unix socket pair, the far end served by a thread that echoes every frame. */
  @State(Scope.Thread)
  public static class Echo {
    Path dir;
    FrameChannel client;
    FrameChannel peer;
    Thread echoer;

    @Setup(Level.Trial)
    public void open() throws IOException {
      dir = SocketDirectory.createAgentDirectory();
      Path sock = dir.resolve("bench.sock");
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(UnixDomainSocketAddress.of(sock));
        SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX);
        raw.connect(UnixDomainSocketAddress.of(sock));
        client = new FrameChannel(raw);
        peer = new FrameChannel(server.accept());
      }
      Files.delete(sock);
      echoer = new Thread(this::echo, "frame-echo");
      echoer.setDaemon(true);
      echoer.start();
    }

    private void echo() {
      try {
        for (ProcFrame f; (f = peer.read()) != null; ) {
          peer.write(f);
        }
      } catch (IOException e) {
        if (peer.isOpen()) {
          throw new UncheckedIOException(e);
        }
      }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException, InterruptedException {
      client.close(); // the echoer sees end of stream and returns
      echoer.join(5_000);
      peer.close();
      Files.deleteIfExists(dir);
    }
  }

  public static void main(String[] args) throws Exception {
    JmhMain.run(FrameCodecBenchmark.class, 1, args);
  }
}
