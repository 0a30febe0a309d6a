package monarch.internal.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * Drains one proc pipe into the host console so a proc never blocks on a full pipe. A stand-in
 * until the StreamForwarder tee (framing, batching, forwarding) replaces it.
 */
final class OutputPump implements Runnable {
  private final InputStream pipe;
  private final PrintStream console;

  OutputPump(InputStream pipe, PrintStream console) {
    this.pipe = pipe;
    this.console = console;
  }

  @Override
  public void run() {
    byte[] buf = new byte[64 * 1024];
    try (pipe) {
      int n;
      while ((n = pipe.read(buf)) > 0) {
        synchronized (console) {
          console.write(buf, 0, n);
          console.flush();
        }
      }
    } catch (IOException e) {
      // the proc is gone; EOF and errors end the pump alike
    }
  }
}
