package monarch.internal.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tells, from /proc, whether one thread of this JVM is asleep in the kernel reading a pipe: its
 * {@code wchan} names the pipe read routine ({@code pipe_read}; {@code anon_pipe_read} on newer
 * kernels). A thread woken by data, or on its way into or out of the read, shows something else
 * ({@code 0} while it can run), so "asleep in it" means nothing the pipe held has been taken yet.
 * This is what lets a tee block on its pipe instead of polling it and still place a barrier's
 * marker exactly (StreamForwarder). Where the kernel does not say (no /proc, no symbol names),
 * {@link #forCurrentThread()} returns null and tees poll instead.
 */
public final class ReadWatch {
  private final Path wchan;

  private ReadWatch(Path wchan) {
    this.wchan = wchan;
  }

  /** Whether this kernel tells (probed once per JVM): tees may then block in their reads. */
  public static boolean works() {
    return Probe.WORKS;
  }

  /** A watch on the calling thread, or null where this kernel cannot tell. */
  static ReadWatch forCurrentThread() {
    if (!Probe.WORKS) {
      return null;
    }
    Path self = threadSelf();
    return self == null ? null : new ReadWatch(self.resolve("wchan"));
  }

  /** Whether the thread sleeps in a pipe read right now (false when it cannot tell). */
  boolean asleepInRead() {
    try {
      return Files.readString(wchan).contains("pipe_read");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** /proc/PID/task/TID of the calling thread ({@code /proc/thread-self} says which), or null. */
  private static Path threadSelf() {
    try {
      return Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self")));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Whether a thread blocked reading an empty pipe is seen as such, tried once per JVM. */
  private static final class Probe {
    static final boolean WORKS = probe();
  }

  /**
   * Whether a thread blocked reading an empty pipe is seen as such here. (Not in Probe: its reader
   * thread runs a lambda of this class, which it could not while Probe initializes.)
   */
  private static boolean probe() {
    Process sleeper = null;
    try {
      // a pipe read as the tees do one: a plain read(2), which NIO's own channels are not
      sleeper = new ProcessBuilder("sleep", "10").redirectErrorStream(true).start();
      InputStream pipe = sleeper.getInputStream();
      AtomicReference<ReadWatch> watch = new AtomicReference<>();
      Thread reader =
          new Thread(
              () -> {
                Path self = threadSelf();
                watch.set(self == null ? null : new ReadWatch(self.resolve("wchan")));
                try {
                  pipe.read();
                } catch (IOException ignored) {
                  // the probe is over
                }
              },
              "monarch-read-probe");
      reader.setDaemon(true);
      reader.start();
      boolean seen = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (!seen && System.nanoTime() < deadline) {
        Thread.sleep(1); // (once per JVM, waiting for the reader to block)
        ReadWatch w = watch.get();
        seen = w != null && w.asleepInRead();
      }
      return seen;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      if (sleeper != null) {
        sleeper.destroyForcibly(); // its pipe ends: the reader returns
      }
    }
  }
}
