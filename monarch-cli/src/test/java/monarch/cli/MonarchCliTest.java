package monarch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The `monarch` command as a user runs it: its own JVM, real procs, real stdout and stderr. Each
 * test drives its own CLI JVM (with its own tokens for the processes it looks for), so they run
 * side by side.
 */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
class MonarchCliTest {

  record Result(int exit, String out, String err) {
    String describe() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static Process start(String... args) throws IOException {
    return start(java.util.Map.of(), args);
  }

  /** The CLI in its own JVM, with {@code env} added to this one's environment. */
  static Process start(java.util.Map<String, String> env, String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command(args));
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    return p;
  }

  /** The command line of the CLI in its own JVM. */
  static List<String> command(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                MonarchCli.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  static Result monarch(String... args) throws Exception {
    return monarch(java.util.Map.of(), args);
  }

  static Result monarch(java.util.Map<String, String> env, String... args) throws Exception {
    Process p = start(env, args);
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("monarch exits").isTrue();
    return new Result(p.exitValue(), out.get(), err.get());
  }

  static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void runPrintsALineForEachRank() throws Exception {
    Result r = monarch("run", "-n", "3", "--", "sh", "-c", "echo hello from $RANK of $WORLD_SIZE");
    assertThat(r.exit()).as(r.describe()).isZero();
    for (int rank = 0; rank < 3; rank++) {
      assertThat(r.out())
          .as(r.describe())
          .containsPattern("\\[\\S+ \\d+\\] \\[" + rank + "\\] hello from " + rank + " of 3\n");
    }
  }

  @Test
  void aFailingRankSetsTheExitStatusAndIsNamed() throws Exception {
    Result r =
        monarch("run", "-n", "2", "--", "sh", "-c", "if [ $RANK = 1 ]; then exit 3; fi; sleep 30");
    assertThat(r.exit()).as(r.describe()).isEqualTo(3);
    assertThat(r.err()).contains("rank 1", "status 3", "stopping the other ranks");
  }

  @Test
  void aJavaMainClassRunsTheSameWay() throws Exception {
    Result r = monarch("run", "-n", "2", "--no-prefix", "--", HelloMain.class.getName(), "hi");
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.out())
        .containsPattern("\\[\\S+ \\d+\\] main says hi from 0\n")
        .containsPattern("\\[\\S+ \\d+\\] main says hi from 1\n");
  }

  @Test
  void aggregationAndFilesAreOptions(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Result r =
        monarch(
            "run",
            "-n",
            "3",
            "--aggregate",
            "30",
            "--files",
            dir.toString(),
            "--",
            "sh",
            "-c",
            "echo same line everywhere");
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.out())
        .containsPattern("\\[3 similar log lines\\] \\[ranks 0-2\\] same line everywhere");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.filter(f -> f.toString().endsWith(".stdout"))).hasSize(3);
    }
  }

  @Test
  void groupCountsAreColouredOnlyOnAStreamThatIsATerminal(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Paths.get("/usr/bin/script")), "script(1) makes the terminal");
    Path err = dir.resolve("stderr");
    String cmd =
        String.join(
            " ",
            quoted(Paths.get(System.getProperty("java.home"), "bin", "java").toString()),
            "-cp",
            quoted(System.getProperty("java.class.path")),
            MonarchCli.class.getName(),
            "run",
            "-n",
            "2",
            "--aggregate",
            "30",
            "--",
            "sh",
            "-c",
            quoted("echo same; echo same >&2"),
            "2>" + quoted(err.toString()));
    // stdout is a pseudo-terminal, stderr a file, as in `monarch run ... 2>errors.log`
    ProcessBuilder pb = new ProcessBuilder("/usr/bin/script", "-q", "-e", "-c", cmd, "/dev/null");
    pb.environment().remove("NO_COLOR");
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<String> terminal =
        CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("monarch exits").isTrue();
    String errText = Files.readString(err);
    assertThat(terminal.get()).as(errText).contains("\u001b[33m[2 similar log lines]\u001b[0m");
    assertThat(errText).contains("[2 similar log lines]").doesNotContain("\u001b");
  }

  static String quoted(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  @Test
  void badSettingsAndProcsThatCannotStartAreOneClearLine() throws Exception {
    Result knob =
        monarch(
            java.util.Map.of("HYPERACTOR_READ_LOG_BUFFER", "abc"), "run", "-n", "1", "--", "true");
    assertThat(knob.exit()).as(knob.describe()).isEqualTo(1);
    assertThat(knob.err())
        .as(knob.describe())
        .contains(
            "monarch run: HYPERACTOR_READ_LOG_BUFFER must be a whole number from 1 to", "got 'abc'")
        .doesNotContain("\tat ");

    Result jvm =
        monarch(
            java.util.Map.of("MONARCH_PROC_JVM_OPTS", "-Xbogus"),
            "run",
            "-n",
            "1",
            "--",
            HelloMain.class.getName());
    assertThat(jvm.exit()).as(jvm.describe()).isEqualTo(1);
    assertThat(jvm.err())
        .as(jvm.describe())
        .contains("exited with status 1 before it was ready")
        .doesNotContain("null")
        .doesNotContain("\tat ");

    Path file = Files.createTempFile("monarch-not-a-dir", "");
    try {
      Result files =
          monarch("run", "-n", "1", "--files", file.resolve("sub").toString(), "--", "true");
      assertThat(files.exit()).as(files.describe()).isEqualTo(1);
      assertThat(files.err())
          .as(files.describe())
          .contains("monarch run: cannot use --files")
          .doesNotContain("\tat ");
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void aFilesDirectoryThatCannotBeWrittenStopsTheRunBeforeAnythingStarts(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path plainFile = Files.createFile(dir.resolve("plain"));
    // /proc/self exists and is a directory, but nobody can create a file in it, not even root
    for (Path bad : List.of(Paths.get("/proc/self"), plainFile)) {
      Result r = monarch("run", "-n", "1", "--files", bad.toString(), "--", "echo", "started");
      assertThat(r.exit()).as(r.describe()).isEqualTo(1);
      assertThat(r.err())
          .as(r.describe())
          .startsWith("monarch run: cannot use --files " + bad + ": ")
          .doesNotContain("\tat ");
      assertThat(r.err().lines()).as(r.describe()).hasSize(1);
      assertThat(r.out()).as(r.describe()).isEmpty();
    }

    Path fresh = dir.resolve("new/files");
    Result r = monarch("run", "-n", "1", "--files", fresh.toString(), "--", "true");
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(fresh)))
        .isEqualTo("rwx------");
  }

  @Test
  void aSocketDirectoryAnotherUserMadeFirstIsRefusedWithOneClearLine(
      @org.junit.jupiter.api.io.TempDir Path tmpdir) throws Exception {
    // what another local user can do before our first run: make /tmp/monarch-<us>, open to all
    Path userDir =
        Files.createDirectory(tmpdir.resolve("monarch-" + System.getProperty("user.name")));
    Files.setPosixFilePermissions(
        userDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    try {
      Files.setOwner(
          userDir,
          userDir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    } catch (java.nio.file.FileSystemException e) {
      Assumptions.abort("only root can give a directory to another user: " + e);
    }

    Result r =
        monarch(
            java.util.Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmpdir),
            "run",
            "-n",
            "1",
            "--",
            "echo",
            "started");

    assertThat(r.exit()).as(r.describe()).isEqualTo(1);
    assertThat(r.err())
        .as(r.describe())
        .contains(
            "monarch run: ",
            userDir + " is owned by nobody (uid 65534), mode 0777",
            "remove it, or set java.io.tmpdir elsewhere")
        .doesNotContain("\tat ");
    assertThat(r.out()).as(r.describe()).isEmpty();
    assertThat(Files.getOwner(userDir).getName()).isEqualTo("nobody");
  }

  @Test
  void theLevelIsInForceBeforeAMainClassLogsAnything() throws Exception {
    Result r = monarch("run", "-n", "1", "--level", "ERROR", "--", JulMain.class.getName());
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.err())
        .as(r.describe())
        .contains("severe at start")
        .doesNotContain("warning at start");

    // the agent's own environment never sets a proc's level (a nested run, a user's shell)
    Result inherited =
        monarch(
            java.util.Map.of("MONARCH_LOG_LEVEL", "40"),
            "run",
            "-n",
            "1",
            "--",
            JulMain.class.getName());
    assertThat(inherited.exit()).as(inherited.describe()).isZero();
    assertThat(inherited.err()).as(inherited.describe()).contains("warning at start");
  }

  @Test
  void theRankPrefixKnobIsHonoured() throws Exception {
    Result r =
        monarch(
            java.util.Map.of("HYPERACTOR_PREFIX_WITH_RANK", "false"),
            "run",
            "-n",
            "1",
            "--",
            "echo",
            "bare");
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.out()).containsPattern("^\\[\\S+ \\d+\\] bare\n");
  }

  @Test
  void badFlagsExitWithStatus2AndUsage() throws Exception {
    for (String[] args :
        List.of(
            new String[] {"run", "--bogus", "-n", "1", "--", "true"},
            new String[] {"run", "-n", "0", "--", "true"},
            new String[] {"run", "-n", "1", "--aggregate", "soon", "--", "true"},
            new String[] {"run", "-n", "1", "--level", "LOUD", "--", "true"},
            new String[] {"run", "-n", "2"},
            new String[] {"run", "--no-prefix=yes", "-n", "1", "true"},
            new String[] {"run", "--aggregate"},
            new String[] {"run", "-n", "1", "--files", "", "true"})) {
      Result r = monarch(args);
      assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.describe()).isEqualTo(2);
      assertThat(r.err()).contains("Usage: monarch run");
    }
  }

  @Test
  void optionsEndAtTheCommandSoItsOwnFlagsPassThrough() throws Exception {
    Result r = monarch("run", "-n", "1", "echo", "--aggregate", "soon", "-n", "9");
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.out()).containsPattern("\\[\\S+ \\d+\\] \\[0\\] --aggregate soon -n 9\n");
  }

  @Test
  void helpGoesToStdoutAndStartsNothing() throws Exception {
    Result r = monarch("run", "--help");
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.out()).startsWith("Usage: monarch run").contains("--aggregate SEC|off");
    assertThat(monarch("help", "demo").out()).startsWith("Usage: monarch demo");
    Result unknown = monarch("frobnicate");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown command 'frobnicate'", "Usage: monarch");
  }

  @Test
  void anUnknownCommandIsAClearErrorAndStartsNothing() throws Exception {
    Result r = monarch("run", "-n", "2", "--", "no-such-command-xyz");
    assertThat(r.exit()).as(r.describe()).isEqualTo(127);
    assertThat(r.err()).contains("'no-such-command-xyz' is neither an executable");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void ctrlCStopsEveryRankAndFlushesWhatTheyWrote() throws Exception {
    String token = "6" + System.nanoTime() % 1000; // a sleep only this test starts
    Process p = start("run", "-n", "2", "--", "sh", "-c", "echo started $RANK; sleep " + token);
    Result r = interruptOnceStarted(p, false);
    assertThat(r.exit()).as(r.describe()).isEqualTo(130);
    assertThat(sleepers(token)).as("no rank left running").isEmpty();
  }

  /**
   * A terminal's Ctrl-C signals the client's whole process group, as timeout's SIGTERM and a closed
   * terminal's SIGHUP do: the run ends with 128 + the signal and every line, says nothing about
   * failed ranks or incomplete flushes, and leaves no process any rank started, not even a
   * background child whose parent the signal ended. One round per signal.
   */
  @Test
  void aSignalToTheWholeGroupEndsQuietlyAndLeavesNoDescendant() throws Exception {
    for (String signal : List.of("INT", "TERM", "HUP")) {
      String token = "7" + System.nanoTime() % 1000;
      List<String> cmd = new ArrayList<>(List.of("setsid")); // its own group, as under a terminal
      cmd.addAll(
          command(
              "run",
              "-n",
              "2",
              "--",
              "sh",
              "-c",
              "echo started $RANK; sleep " + token + " & sleep " + token + "; wait"));
      Process p = new ProcessBuilder(cmd).start();
      p.getOutputStream().close();
      Result r = signalOnceStarted(p, signal, true);
      int expected =
          switch (signal) {
            case "INT" -> 130;
            case "TERM" -> 143;
            default -> 129;
          };
      assertThat(r.exit()).as(signal + "\n" + r.describe()).isEqualTo(expected);
      assertThat(r.out()).as(r.describe()).contains("] [0] started 0\n", "] [1] started 1\n");
      assertThat(r.err()).as(r.describe()).doesNotContain("WARN", "monarch run:");
      assertThat(sleepers(token)).as("no process of any rank left running").isEmpty();
    }
  }

  /** A rank that ignores SIGTERM, and the child it started, are gone once the run has ended. */
  @Test
  void aRankThatIgnoresSigtermAndItsChildrenAreStoppedToo() throws Exception {
    String token = "8" + System.nanoTime() % 1000;
    Process p =
        start(
            "run",
            "-n",
            "2",
            "--",
            "sh",
            "-c",
            "trap '' TERM; echo started $RANK; sleep " + token + " & wait");
    Result r = signalOnceStarted(p, "INT", false);
    assertThat(r.exit()).as(r.describe()).isEqualTo(130);
    assertThat(sleepers(token)).as("no process of any rank left running").isEmpty();
  }

  /** keygen writes the three PEM files privately, says where, and never replaces keys. */
  @Test
  void keygenMakesPrivateKeysAndNeverReplacesThem(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    Path dir = tmp.resolve("tls");
    Result made = monarch("keygen", dir.toString());
    assertThat(made.exit()).as(made.describe()).isZero();
    assertThat(made.out()).contains("keys written to " + dir, "--tls DIR", "MONARCH_TLS_DIR");
    assertThat(Files.readString(dir.resolve("ca.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(Files.readString(dir.resolve("tls.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("tls.key"))))
        .isEqualTo("rw-------");
    String key = Files.readString(dir.resolve("tls.key"));
    Result again = monarch("keygen", dir.toString());
    assertThat(again.exit()).as(again.describe()).isEqualTo(1);
    assertThat(again.err()).contains("monarch keygen: ", "already exists").doesNotContain("\tat ");
    assertThat(Files.readString(dir.resolve("tls.key"))).isEqualTo(key);
    Result none = monarch("keygen");
    assertThat(none.exit()).as(none.describe()).isEqualTo(2);
    assertThat(none.err()).contains("keygen takes one directory", "Usage: monarch keygen DIR");
  }

  /**
   * As a shell: 126 for a directory or a file without execute permission, 127 for a missing
   * interpreter.
   */
  @Test
  void aCommandThatCannotRunExitsAsAShellWould(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path noExec = Files.writeString(dir.resolve("plain.sh"), "echo hi\n");
    Path badInterpreter =
        Files.writeString(dir.resolve("bad.sh"), "#!/no/such/interpreter\necho hi\n");
    badInterpreter.toFile().setExecutable(true);
    record Case(String command, int status, String says) {}
    for (Case c :
        List.of(
            new Case(dir.toString(), 126, "Is a directory"),
            new Case(noExec.toString(), 126, "Permission denied"),
            new Case(badInterpreter.toString(), 127, "bad interpreter: /no/such/interpreter"))) {
      Result r = monarch("run", "-n", "2", "--", c.command());
      assertThat(r.exit()).as(r.describe()).isEqualTo(c.status());
      assertThat(r.err())
          .as(r.describe())
          .contains("monarch run: ", c.command() + ": " + c.says())
          .doesNotContain("\tat ");
      assertThat(r.out()).isEmpty();
    }
  }

  /**
   * Waits for both ranks' "started" line, sends SIG{@code signal} to the client (or to its whole
   * process group), and returns how it ended; fails with the client's threads if it does not exit.
   */
  static Result interruptOnceStarted(Process p, boolean wholeGroup) throws Exception {
    return signalOnceStarted(p, "INT", wholeGroup);
  }

  static Result signalOnceStarted(Process p, String signal, boolean wholeGroup) throws Exception {
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    StringBuilder out = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      int started = 0;
      String line;
      while (started < 2 && (line = r.readLine()) != null) {
        out.append(line).append('\n');
        if (line.contains("started")) {
          started++;
        }
      }
      assertThat(started).as(out.toString()).isEqualTo(2);
      if (signal.equals("INT") && sigintIgnored(p.pid())) {
        p.destroyForcibly();
        // as for any program a non-interactive shell starts in the background, and rightly so
        Assumptions.abort(
            "SIGINT is ignored in this process tree (a build started in the background), so"
                + " the JVM installs no handler for it and Ctrl-C cannot be tested");
      }
      String target = wholeGroup ? "-" + p.pid() : Long.toString(p.pid());
      new ProcessBuilder("kill", "-" + signal, "--", target).start().waitFor();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        Process dump =
            new ProcessBuilder(
                    Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(p.pid()),
                    "Thread.print")
                .redirectErrorStream(true)
                .start();
        String threads = read(dump.getInputStream());
        p.destroyForcibly();
        assertThat(false)
            .as("monarch exits on SIG" + signal + "; its threads:\n" + threads)
            .isTrue();
      }
      for (String rest; (rest = r.readLine()) != null; ) {
        out.append(rest).append('\n');
      }
    }
    return new Result(p.exitValue(), out.toString(), err.get());
  }

  /**
   * As a pipeline member whose reader went away (yes | head -1): the ranks stop, and it says so.
   */
  @Test
  void aClosedStdoutStopsTheRanksAndExitsAsSigpipeWould() throws Exception {
    String token = "y" + System.nanoTime() % 100000; // a yes only this test starts
    Process p = start("run", "-n", "2", "--", "yes", token);
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).contains(token);
    out.close(); // the reader goes away
    assertThat(p.waitFor(30, TimeUnit.SECONDS))
        .as("monarch exits once its stdout is closed")
        .isTrue();
    assertThat(p.exitValue()).as(err.get()).isEqualTo(141);
    assertThat(err.get())
        .contains("monarch run: cannot write to stdout", "stopping the ranks")
        .doesNotContain("\tat ");
    assertThat(processes("yes\0" + token + "\0")).as("no rank left running").isEmpty();
  }

  @Test
  void aStdoutThatFailsToWriteIsAFailureToo() throws Exception {
    Process p =
        new ProcessBuilder(command("run", "-n", "2", "--", "sh", "-c", "seq 1 1000"))
            .redirectOutput(new java.io.File("/dev/full"))
            .start();
    p.getOutputStream().close();
    String err = read(p.getErrorStream());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err).isEqualTo(141);
    assertThat(err)
        .contains("monarch run: cannot write to stdout")
        .doesNotContain("\tat ")
        .containsPattern("\\d+ lines? of the ranks' output could not be written");
  }

  /**
   * A reader that pauses while the run stops (the ranks have ended, their last lines are on the
   * way) gets every line once it reads again, and the run exits 0: stop waits for its output as any
   * Unix tool does. The pause is the scenario, longer than the 3 s after which stop used to give
   * up.
   */
  @Test
  void aReaderThatPausesAtTheEndGetsEveryLine() throws Exception {
    Process p = start("run", "-n", "2", "--", "sh", "-c", "seq 1 2000");
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    Thread.sleep(5_000); // the reader is paused (and the ranks, whose output fits in flight, end)
    String out = read(p.getInputStream());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err.get()).isZero();
    assertThat(out.lines()).hasSize(4000);
    for (int rank = 0; rank < 2; rank++) {
      assertThat(out).contains("] [" + rank + "] 1\n", "] [" + rank + "] 2000\n");
    }
  }

  /**
   * A reader that stops reading: a signal still ends the run within its bound for the last lines,
   * and the run says how many it could not write.
   */
  @Test
  void aSignalEndsARunBehindAReaderThatStoppedReading() throws Exception {
    Process p = start("run", "-n", "2", "--", "sh", "-c", "seq 1 200000");
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (int i = 0; i < 1000; i++) { // streaming, well past its start; from now on nobody reads
      assertThat(out.readLine()).isNotNull();
    }
    p.toHandle().destroy(); // SIGTERM
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("monarch exits on a signal").isTrue();
    assertThat(p.exitValue()).as(err.get()).isEqualTo(143);
    assertThat(err.get())
        .containsPattern("monarch run: \\d+ lines? of the ranks' output could not be written");
  }

  static List<Long> processes(String cmdline) throws IOException {
    List<Long> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Paths.get("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        try {
          if (new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
              .equals(cmdline)) {
            found.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException | NumberFormatException ignored) {
          // not a process, or gone
        }
      }
    }
    return found;
  }

  /** Whether the process ignores SIGINT (inherited: the JVM then installs no handler for it). */
  static boolean sigintIgnored(long pid) throws IOException {
    for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseLong(line.substring("SigIgn:".length()).trim(), 16) & (1L << 1))
            != 0; // SIGINT is 2
      }
    }
    return false;
  }

  static List<Long> sleepers(String token) throws IOException {
    List<Long> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Paths.get("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
          if (cmd.equals("sleep\0" + token + "\0")) {
            found.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException | NumberFormatException ignored) {
          // not a process, or gone
        }
      }
    }
    return found;
  }

  @Test
  void theDemoStreamsAggregatesAndReportsErrorsOnStderr() throws Exception {
    Result r = monarch("demo", "--pace-ms", "15");
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.out())
        .contains(
            ">>> Aggregated Logs",
            "similar log lines] [",
            "WARNING: gradient norm clipped",
            "finished (this line has no newline)",
            "Per-proc files");
    assertThat(r.err()).contains("ERROR: NaN in gradients");
    assertThat(r.out()).doesNotContain("ERROR: NaN in gradients");
  }
}
