package monarch.internal.launch;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A proc's stdout and stderr as named pipes (FIFOs) of the agent's own, instead of the JDK's
 * Process pipes: to the proc they are the same (pipes: {@code S_ISFIFO}, blocking writes, SIGPIPE
 * without a reader), but the agent reads them through plain FileInputStreams, whose {@code
 * available()} does not wait for a read in progress on another thread (the JDK's process streams
 * are BufferedInputStreams, synchronized). That is what lets a tee block on its pipe while a
 * barrier's requester asks how much it holds (StreamForwarder).
 *
 * <p>Made with mkfifo (one process for all of a spawn's FIFOs) in the agent's private socket
 * directory; each is opened for reading before the proc starts (a read-write holder keeps either
 * open from blocking) and handed to the proc as its stdout or stderr, after which the proc's ends
 * are the only writers: the tee sees the end of the stream when the proc and its children have
 * closed them. The names stay until the tees are done ({@link Pair#unlink}), so that the agent can
 * wake a tee blocked in its read ({@link Pair#wake}). Where mkfifo cannot run, {@link #create}
 * fails (and removes what it made) and the caller uses the JDK's pipes.
 */
public final class StdioFifos {
  private final List<Path> paths;

  private StdioFifos(List<Path> paths) {
    this.paths = paths;
  }

  /** FIFOs for {@code procs} procs (two each) in {@code dir}, named after {@code prefix}. */
  public static StdioFifos create(Path dir, String prefix, int procs) throws IOException {
    List<Path> paths = new ArrayList<>();
    List<String> cmd = new ArrayList<>(List.of("mkfifo", "-m", "600", "--"));
    for (int i = 0; i < procs; i++) {
      for (String stream : List.of("out", "err")) {
        Path p = dir.resolve(prefix + "-" + i + "." + stream);
        paths.add(p);
        cmd.add(p.toString());
      }
    }
    StdioFifos fifos = new StdioFifos(paths);
    Process mkfifo = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
        mkfifo.destroyForcibly();
        fifos.discard(); // some may have been made
        throw new IOException(
            "mkfifo failed: " + new String(mkfifo.getInputStream().readAllBytes()).strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fifos.discard();
      throw new IOException("interrupted while making FIFOs", e);
    }
    return fifos;
  }

  /** Proc {@code i}'s two FIFOs, open for reading. */
  public Pair open(int i) throws IOException {
    return new Pair(paths.get(2 * i), paths.get(2 * i + 1));
  }

  /** Removes every FIFO of the spawn (it failed); a proc that holds one keeps it open. */
  public void discard() {
    for (Path p : paths) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // best effort: the directory is private and removed with its agent
      }
    }
  }

  /** One proc's stdout and stderr FIFOs: their paths for the proc, their read ends for the tees. */
  public static final class Pair implements AutoCloseable {
    private final Path out;
    private final Path err;
    private final RandomAccessFile outHolder;
    private final RandomAccessFile errHolder;
    private final FileInputStream stdout;
    private final FileInputStream stderr;

    private Pair(Path out, Path err) throws IOException {
      this.out = out;
      this.err = err;
      // read-write: opening a FIFO so never blocks; it keeps the read-only opens below, and the
      // proc's write-only ones, from blocking too
      this.outHolder = new RandomAccessFile(out.toFile(), "rw");
      this.errHolder = new RandomAccessFile(err.toFile(), "rw");
      this.stdout = new FileInputStream(out.toFile());
      this.stderr = new FileInputStream(err.toFile());
    }

    public File stdoutFile() {
      return out.toFile();
    }

    public File stderrFile() {
      return err.toFile();
    }

    public InputStream stdout() {
      return stdout;
    }

    public InputStream stderr() {
      return stderr;
    }

    /** The proc holds its ends now: the agent's holders go (or it would never see the end). */
    public void started() throws IOException {
      outHolder.close();
      errHolder.close();
    }

    /**
     * Makes a read blocked on {@code stdout} (or stderr) return, with one byte the reader drops:
     * opening the FIFO's name for writing does not block while the reader has it open.
     */
    public void wake(boolean stdout) {
      try (java.io.FileOutputStream w =
          new java.io.FileOutputStream(stdout ? out.toFile() : err.toFile())) {
        w.write(0);
      } catch (IOException e) {
        // gone already: so is the read
      }
    }

    /** The tees are done: the names go (the proc's ends, if it still has them, stay open). */
    public void unlink() {
      try {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      } catch (IOException ignored) {
        // the directory is private and removed with its agent
      }
    }

    /** The proc did not start: everything goes. */
    @Override
    public void close() {
      for (AutoCloseable c : List.of(outHolder, errHolder, stdout, stderr)) {
        try {
          c.close();
        } catch (Exception ignored) {
          // closing is best effort
        }
      }
      try {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      } catch (IOException ignored) {
        // as above
      }
    }
  }
}
