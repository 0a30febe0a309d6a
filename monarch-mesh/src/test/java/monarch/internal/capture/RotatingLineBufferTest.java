package monarch.internal.capture;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RotatingLineBufferTest {

  private static void add(RotatingLineBuffer r, String s) {
    byte[] b = s.getBytes(UTF_8);
    r.add(b, 0, b.length);
  }

  @Test
  void rejectsNonPositiveCapacity() {
    assertThatThrownBy(() -> new RotatingLineBuffer(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
    assertThatThrownBy(() -> new RotatingLineBuffer(-3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RotatingLineBuffer(3, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxLineBytes");
  }

  @Test
  void emptyAtFirst() {
    RotatingLineBuffer r = new RotatingLineBuffer(3);
    assertThat(r.snapshot()).isEmpty();
    assertThat(r.size()).isZero();
    assertThat(r.capacity()).isEqualTo(3);
  }

  @Test
  void keepsAllWhileNotFullOldestFirst() {
    RotatingLineBuffer r = new RotatingLineBuffer(3);
    add(r, "a");
    add(r, "b");
    assertThat(r.snapshot()).containsExactly("a", "b");
  }

  @Test
  void keepsTheLastNOldestFirst() {
    RotatingLineBuffer r = new RotatingLineBuffer(3);
    for (int i = 1; i <= 10; i++) {
      add(r, "line " + i);
      assertThat(r.size()).isEqualTo(Math.min(i, 3));
    }
    assertThat(r.snapshot()).containsExactly("line 8", "line 9", "line 10");
    assertThat(r.linesAdded()).isEqualTo(10);
  }

  @Test
  void capacityOneKeepsTheNewest() {
    RotatingLineBuffer r = new RotatingLineBuffer(1);
    add(r, "old");
    add(r, "new");
    assertThat(r.snapshot()).containsExactly("new");
  }

  @Test
  void copiesTheBytesAndTheSnapshotIsIndependent() {
    RotatingLineBuffer r = new RotatingLineBuffer(2);
    byte[] buf = "xxhelloxx".getBytes(UTF_8);
    r.add(buf, 2, 5);
    buf[2] = 'J'; // the framer reuses its buffer
    List<String> snap = r.snapshot();
    add(r, "a longer line than hello");
    add(r, "");
    assertThat(snap).containsExactly("hello");
    assertThat(r.snapshot()).containsExactly("a longer line than hello", "");
  }

  @Test
  void decodesUtf8AndReplacesInvalidBytes() {
    RotatingLineBuffer r = new RotatingLineBuffer(2);
    add(r, "[0] héllo \uD83D\uDE00");
    r.add(new byte[] {'a', (byte) 0xFF}, 0, 2);
    assertThat(r.snapshot()).containsExactly("[0] héllo \uD83D\uDE00", "a\uFFFD");
  }

  @Test
  void longLinesAreCutAtACharacterBoundary() {
    RotatingLineBuffer r = new RotatingLineBuffer(2, 5);
    add(r, "abcdefgh");
    add(r, "abcd€"); // € is 3 bytes: only "abcd" fits in 5
    assertThat(r.snapshot()).containsExactly("abcde", "abcd");
  }

  @Test
  void holdsEveryLineAFramerEmits() {
    RotatingLineBuffer r = new RotatingLineBuffer(2);
    LineFramer f = new LineFramer(LineFramer.MAX_LINE_SIZE, "[123456] ".getBytes(UTF_8), r::add);
    byte[] in = ("é".repeat(5000) + "\nshort\n").getBytes(UTF_8);
    f.feed(in, 0, in.length);
    List<String> snap = r.snapshot();
    assertThat(snap).hasSize(2);
    assertThat(snap.get(0))
        .startsWith("[123456] éé")
        .endsWith("é... [TRUNCATED]")
        .hasSize(9 + LineFramer.MAX_LINE_SIZE / 2 + "... [TRUNCATED]".length());
    assertThat(snap.get(1)).isEqualTo("[123456] short");
  }

  @Test
  @Timeout(20)
  void snapshotsWhileAddingSeeConsecutiveNewestLines() throws Exception {
    int capacity = 16;
    RotatingLineBuffer r = new RotatingLineBuffer(capacity);
    int total = 200_000;
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread reader =
          new Thread(
              () -> {
                try {
                  long lastFirst = -1;
                  while (!done.get()) {
                    List<String> snap = r.snapshot();
                    assertThat(snap.size()).isLessThanOrEqualTo(capacity);
                    for (int k = 1; k < snap.size(); k++) {
                      assertThat(Long.parseLong(snap.get(k)))
                          .isEqualTo(Long.parseLong(snap.get(k - 1)) + 1);
                    }
                    if (!snap.isEmpty()) {
                      long first = Long.parseLong(snap.get(0));
                      assertThat(first).isGreaterThanOrEqualTo(lastFirst);
                      lastFirst = first;
                    }
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              });
      reader.start();
      readers.add(reader);
    }
    for (int i = 0; i < total; i++) {
      add(r, Integer.toString(i));
    }
    done.set(true);
    for (Thread reader : readers) {
      reader.join();
    }
    assertThat(failure.get()).isNull();
    List<String> last = r.snapshot();
    assertThat(last).hasSize(capacity);
    assertThat(last.get(capacity - 1)).isEqualTo(Integer.toString(total - 1));
  }
}
