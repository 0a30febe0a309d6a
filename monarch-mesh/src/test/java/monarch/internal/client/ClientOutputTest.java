package monarch.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import monarch.internal.protocol.LogForwardMessage;
import monarch.logging.OutputTarget;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/** The client's coalescing writer: what it writes, when, and when permits come back. */
class ClientOutputTest {
  /** The client's own runtime, so acks go through their real serializer as in every test. */
  static final ActorSystem<Void> system = ClientRuntime.system();

  /** An OutputStream that counts the writes reaching it. */
  static final class Sink extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int writes;

    @Override
    public synchronized void write(int b) {
      writes++;
      bytes.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes++;
      bytes.write(b, off, len);
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  /** A forwarder stand-in recording each Ack with what the sink held when it arrived. */
  static ActorRef<LogForwardMessage> forwarder(String name, Sink sink, List<String> acks) {
    return system.systemActorOf(
        Behaviors.receiveMessage(
            m -> {
              if (m instanceof LogForwardMessage.Ack a) {
                acks.add(a.batches() + "@" + sink.text().length());
              }
              return Behaviors.same();
            }),
        name,
        org.apache.pekko.actor.typed.Props.empty());
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void burstIsOneWriteWithHeadersAndItsAcksFollowTheWrite() {
    Sink out = new Sink();
    Sink err = new Sink();
    ClientOutput o =
        new ClientOutput(new PrintStream(out), new PrintStream(err), new OutputLedger());
    List<String> acks = new CopyOnWriteArrayList<>();
    ActorRef<LogForwardMessage> fwd = forwarder("fwd-burst", out, acks);

    o.appendLines(OutputTarget.STDOUT, bytes("[h 1] "), bytes("a\n\nb\n"));
    o.owe(fwd);
    o.appendLines(OutputTarget.STDOUT, bytes("[h 1] "), bytes("c\n"));
    o.owe(fwd);
    o.appendLines(OutputTarget.STDERR, bytes("[h 2] "), bytes("e\n"));
    assertThat(out.writes).isZero(); // nothing written, nothing acked before flush
    assertThat(o.isEmpty()).isFalse();

    o.flush();
    String expected = "[h 1] a\n[h 1] \n[h 1] b\n[h 1] c\n";
    assertThat(out.text()).isEqualTo(expected);
    assertThat(out.writes).isEqualTo(1);
    assertThat(err.text()).isEqualTo("[h 2] e\n");
    await().atMost(5, TimeUnit.SECONDS).until(() -> !acks.isEmpty());
    // one cumulative ack, sent after the bytes it covers were written
    assertThat(acks).containsExactly("2@" + expected.length());
    assertThat(o.isEmpty()).isTrue();
  }

  @Test
  void moreThanTheBufferIsWrittenInOrderAndNothingIsLost() {
    Sink out = new Sink();
    ClientOutput o =
        new ClientOutput(new PrintStream(out), new PrintStream(new Sink()), new OutputLedger());
    StringBuilder expected = new StringBuilder();
    StringBuilder batch = new StringBuilder();
    int lines = 3 * ClientOutput.CAPACITY / 100;
    for (int i = 0; i < lines; i++) {
      String line = String.format("line %08d %s%n", i, "x".repeat(80));
      batch.append(line);
      expected.append("[h 9] ").append(line);
    }
    o.appendLines(OutputTarget.STDOUT, bytes("[h 9] "), bytes(batch.toString()));
    String big =
        "y".repeat(ClientOutput.CAPACITY + 5) + "\n"; // an aggregate block larger than the buffer
    o.append(OutputTarget.STDOUT, bytes(big), 1);
    o.flush();
    assertThat(out.text()).isEqualTo(expected + big);
    assertThat(out.writes).isGreaterThan(1).isLessThan(8);
  }
}
