package monarch.internal.capture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import monarch.internal.protocol.LogMessage;
import monarch.logging.OutputTarget;

/** Stands in for a LogForwardActor: records what a LocalLogSender hands it, acks or stalls. */
final class TestForwarder implements Consumer<LogMessage> {
  final List<LogMessage> received = new CopyOnWriteArrayList<>();
  volatile LocalLogSender sender;
  private volatile boolean stalled;
  private int owed;

  @Override
  public void accept(LogMessage m) {
    received.add(m);
    if (m instanceof LogMessage.Log) {
      synchronized (this) {
        if (stalled) {
          owed++;
          return;
        }
      }
      sender.acked(1);
    }
  }

  void stall() {
    stalled = true;
  }

  /** Stops stalling and acks everything it held back. */
  void resume() {
    int n;
    synchronized (this) {
      stalled = false;
      n = owed;
      owed = 0;
    }
    sender.acked(n);
  }

  List<String> lines(OutputTarget target) {
    List<String> out = new ArrayList<>();
    for (LogMessage m : received) {
      if (m instanceof LogMessage.Log l && l.target() == target) {
        String s = new String(l.lines(), StandardCharsets.UTF_8);
        for (String line : s.substring(0, s.length() - 1).split("\n", -1)) {
          out.add(line);
        }
      }
    }
    return out;
  }

  long batches() {
    return received.stream().filter(m -> m instanceof LogMessage.Log).count();
  }
}
