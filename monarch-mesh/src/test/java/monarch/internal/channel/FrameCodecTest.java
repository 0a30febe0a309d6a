package monarch.internal.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Frames over a real Unix socket pair: round trips, and bad input rejected with clear errors. */
class FrameCodecTest {
  Path dir;
  SocketChannel raw;
  FrameChannel writer;
  FrameChannel reader;

  @BeforeEach
  void connect() throws IOException {
    dir = SocketDirectory.createAgentDirectory();
    Path sock = dir.resolve("t.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      raw = SocketChannel.open(StandardProtocolFamily.UNIX);
      raw.connect(UnixDomainSocketAddress.of(sock));
      writer = new FrameChannel(raw);
      reader = new FrameChannel(server.accept());
    }
    Files.delete(sock);
  }

  @AfterEach
  void close() throws IOException {
    writer.close();
    reader.close();
    Files.deleteIfExists(dir);
  }

  @Test
  void everyFrameKindRoundTrips() throws IOException {
    byte[] args = ValueCodec.encodeArgs("a", 1);
    writer.write(new ProcFrame.Hello(3, 42, FrameCodec.VERSION));
    writer.write(new ProcFrame.SpawnActor(7, "w", "x.Y", args));
    writer.write(new ProcFrame.Call(8, "w", "rank", args, true));
    writer.write(ProcFrame.Reply.failed(8, new RemoteFailure("T", "m", "st")));
    writer.write(new ProcFrame.Stop());
    assertThat(reader.read()).isEqualTo(new ProcFrame.Hello(3, 42, FrameCodec.VERSION));
    ProcFrame.SpawnActor spawn = (ProcFrame.SpawnActor) reader.read();
    assertThat(spawn.args()).isEqualTo(args);
    assertThat(((ProcFrame.Call) reader.read()).endpoint()).isEqualTo("rank");
    assertThat(((ProcFrame.Reply) reader.read()).failure())
        .isEqualTo(new RemoteFailure("T", "m", "st"));
    assertThat(reader.read()).isInstanceOf(ProcFrame.Stop.class);
    writer.close();
    assertThat(reader.read()).as("clean end of stream").isNull();
  }

  @Test
  void frameLargerThanTheReadBufferStillArrives() throws IOException {
    byte[] big = new byte[1 << 20];
    big[big.length - 1] = 9;
    // the socket buffer is smaller than the frame: write from another thread, as the proc would
    CompletableFuture<Void> sent =
        CompletableFuture.runAsync(
            () -> {
              try {
                writer.write(ProcFrame.Reply.ok(1, big));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    assertThat(((ProcFrame.Reply) reader.read()).value()).isEqualTo(big);
    sent.join();
  }

  @Test
  void oversizedFrameIsRefusedBySender() {
    byte[] huge = new byte[FrameCodec.MAX_FRAME_SIZE];
    assertThatThrownBy(() -> writer.write(ProcFrame.Reply.ok(1, huge)))
        .isInstanceOf(FrameException.class)
        .hasMessageContaining("exceeds");
  }

  @Test
  void oversizedLengthIsRejectedWithoutAllocating() throws IOException {
    raw.write(ByteBuffer.allocate(4).putInt(0, Integer.MAX_VALUE));
    assertThatThrownBy(reader::read)
        .isInstanceOf(FrameException.class)
        .hasMessageContaining("outside 1..");
  }

  @Test
  void wrongVersionIsAClearError() throws IOException {
    raw.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 2, 99, 0}));
    assertThatThrownBy(reader::read)
        .isInstanceOf(FrameException.class)
        .hasMessageContaining("version 99");
  }

  @Test
  void garbageBodyIsAMalformedFrame() throws IOException {
    raw.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 4, FrameCodec.VERSION, (byte) 0xff, 1, 2}));
    assertThatThrownBy(reader::read)
        .isInstanceOf(FrameException.class)
        .hasMessageContaining("malformed");
  }

  @Test
  void truncatedFrameIsAnEofError() throws IOException {
    raw.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 10, FrameCodec.VERSION}));
    raw.close();
    assertThatThrownBy(reader::read).hasMessageContaining("in the middle of a frame");
  }

  @Test
  void inMemoryDecodeUndoesEncodeAndStopsAtTheFrameEnd() throws IOException {
    ByteBuffer hello = FrameCodec.encode(new ProcFrame.Hello(3, 42, FrameCodec.VERSION));
    ByteBuffer level = FrameCodec.encode(new ProcFrame.SetLevel(9, 30));
    ByteBuffer two =
        ByteBuffer.allocate(hello.remaining() + level.remaining()).put(hello).put(level).flip();
    assertThat(FrameCodec.decode(two)).isEqualTo(new ProcFrame.Hello(3, 42, FrameCodec.VERSION));
    assertThat(FrameCodec.decode(two)).isEqualTo(new ProcFrame.SetLevel(9, 30));
    assertThat(two.hasRemaining()).isFalse();
    ByteBuffer direct = ByteBuffer.allocateDirect(level.flip().remaining()).put(level).flip();
    assertThat(FrameCodec.decode(direct)).isEqualTo(new ProcFrame.SetLevel(9, 30));
  }

  @Test
  void inMemoryDecodeRejectsATruncatedFrame() throws IOException {
    ByteBuffer frame = FrameCodec.encode(new ProcFrame.FlushStreams(5));
    assertThatThrownBy(() -> FrameCodec.decode(frame.limit(frame.limit() - 1)))
        .isInstanceOf(FrameException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> FrameCodec.decode(ByteBuffer.allocate(2)))
        .isInstanceOf(FrameException.class)
        .hasMessageContaining("no complete header");
  }

  @Test
  void socketDirectoryIsOwnerOnlyAndLongPathsFallBack() throws IOException {
    assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PrivateDirectory.OWNER_ONLY);
    assertThat(SocketDirectory.fits(Path.of("/tmp/" + "x".repeat(100)))).isFalse();
    Path fallback = SocketDirectory.fallback("u".repeat(200));
    assertThat(SocketDirectory.fits(fallback)).isTrue();
  }
}
