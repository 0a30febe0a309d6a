package monarch.cli;

import static monarch.cli.MonarchCliTest.monarch;
import static monarch.cli.MonarchCliTest.read;
import static monarch.cli.MonarchCliTest.start;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** {@code monarch agent} as a script starts it: one line when it listens, SIGTERM ends it. */
@Execution(ExecutionMode.CONCURRENT)
class AgentCommandTest {
  static final Pattern LISTENING =
      Pattern.compile("monarch agent (\\S+) listening on 127\\.0\\.0\\.1:(\\d+) \\((.+)\\)");

  @Test
  void printsOneLineWhenItListensAndStopsOnSigterm() throws Exception {
    Agent agent =
        new Agent(start("agent", "--listen", "127.0.0.1:0", "--hostname", "no-such-host.invalid"));
    Matcher m = agent.listening();
    assertThat(m.group(1)).isEqualTo("no-such-host.invalid"); // never resolved
    assertThat(m.group(3)).isEqualTo("no TLS");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(2))), 5000);
    }
    MonarchCliTest.Result taken = monarch("agent", "--listen", "127.0.0.1:" + m.group(2));
    assertThat(taken.exit()).as(taken.describe()).isEqualTo(1);
    assertThat(taken.err())
        .as(taken.describe())
        .containsPattern(
            "(?m)^monarch agent: cannot listen on 127\\.0\\.0\\.1:"
                + m.group(2)
                + ": .*Address already in use$");
    assertThat(agent.stop()).isEmpty(); // nothing of its own after its line
  }

  @Test
  void refusesANetworkAddressWithoutTls() throws Exception {
    MonarchCliTest.Result r = monarch("agent", "--listen", "0.0.0.0:0");
    assertThat(r.exit()).as(r.describe()).isEqualTo(2);
    assertThat(r.err())
        .as(r.describe())
        .contains("will not listen on 0.0.0.0 without TLS", "--tls DIR", "--insecure")
        .doesNotContain("\tat ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void takesOnlyKeygensDirectoryWithAPrivateKey(@TempDir Path tmp) throws Exception {
    Path keys = tmp.resolve("keys");
    MonarchCliTest.Result missing = monarch("agent", "--listen", "127.0.0.1:0", "--tls", keys + "");
    assertThat(missing.exit()).as(missing.describe()).isEqualTo(1);
    assertThat(missing.err()).contains("ca.crt is missing", "monarch keygen DIR");
    assertThat(monarch("keygen", keys.toString()).exit()).isZero();
    Files.setPosixFilePermissions(
        keys.resolve("tls.key"), PosixFilePermissions.fromString("rw-r--r--"));
    MonarchCliTest.Result open = monarch("agent", "--listen", "127.0.0.1:0", "--tls", keys + "");
    assertThat(open.exit()).as(open.describe()).isEqualTo(1);
    assertThat(open.err()).contains("tls.key can be read by others", "chmod 600");
    Files.setPosixFilePermissions(
        keys.resolve("tls.key"), PosixFilePermissions.fromString("rw-------"));
    Agent agent = new Agent(start("agent", "--listen", "127.0.0.1:0", "--tls", keys.toString()));
    assertThat(agent.listening().group(3)).isEqualTo("mutual TLS");
    assertThat(agent.stop()).isEmpty(); // nothing of its own after its line
  }

  /**
   * An agent JVM and its stdout, read by a thread from its start to its end (a stream first read
   * after the process is gone can fail with "Stream closed").
   */
  static final class Agent {
    final Process process;
    final java.util.concurrent.BlockingQueue<String> lines =
        new java.util.concurrent.LinkedBlockingQueue<>();
    final CompletableFuture<Void> eof;

    Agent(Process process) {
      this.process = process;
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.eof =
          CompletableFuture.runAsync(
              () -> {
                for (String l; (l = readLine(out)) != null; ) {
                  lines.add(l);
                }
              },
              r -> new Thread(r, "agent-stdout").start());
    }

    /** Its one stdout line, which must say it listens at {@code address}. */
    String listening(String address) throws Exception {
      String line = lines.poll(60, TimeUnit.SECONDS);
      if (line == null || !line.contains(" listening on " + address + " ")) {
        process.destroyForcibly();
        throw new AssertionError(
            "no 'listening on "
                + address
                + "' line: "
                + line
                + "\n"
                + read(process.getErrorStream()));
      }
      return line;
    }

    /** Its one stdout line, parsed; fails with its stderr if it does not come. */
    Matcher listening() throws Exception {
      String line = lines.poll(60, TimeUnit.SECONDS);
      Matcher m = LISTENING.matcher(line == null ? "" : line);
      if (!m.matches()) {
        process.destroyForcibly();
        throw new AssertionError(
            "no 'listening on' line: " + line + "\n" + read(process.getErrorStream()));
      }
      return m;
    }

    /**
     * SIGTERM ends it; returns what it printed after its line (its procs' lines: stdout is its
     * host's console).
     */
    List<String> stop() throws Exception {
      process.toHandle().destroy(); // SIGTERM (Process.destroy would also close its stdout)
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("agent exits on SIGTERM").isTrue();
      eof.get(10, TimeUnit.SECONDS);
      return List.copyOf(lines);
    }
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
