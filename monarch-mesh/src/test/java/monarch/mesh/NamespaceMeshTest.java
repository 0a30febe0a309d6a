package monarch.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import monarch.config.MonarchConfig;
import monarch.config.TlsKeys;
import monarch.logging.LoggingOptions;
import monarch.netns.NamespaceHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The library across real separate hosts: three network namespaces with their own addresses and
 * hostnames ({@link NamespaceHosts}), an agent JVM in each with mutual TLS and its own log
 * directory, and this JVM's client on the other side of their bridge. host2 is cut off by one test
 * and host3's agent is killed by another, so the others use host0 and host1 only.
 */
class NamespaceMeshTest {
  /** A connect bound for a test machine that other tests load: the default is for people. */
  static final java.time.Duration LOADED = java.time.Duration.ofSeconds(60);

  @TempDir static Path tmp;
  static NamespaceHosts net;
  static Path keys;
  static final List<Process> agents = new ArrayList<>();
  static final List<String> addresses = new ArrayList<>();
  static PrintStream realOut;
  static PrintStream realErr;
  static final ByteArrayOutputStream out = new ByteArrayOutputStream();
  static final ByteArrayOutputStream err = new ByteArrayOutputStream();
  static HostMesh hosts;

  /** host2 alone, for the cut; connected before the tests (and their load) start. */
  static HostMesh far;

  /** host0 and host3, whose agent is killed; connected before the tests start. */
  static HostMesh doomed;

  @BeforeAll
  static void start() throws Exception {
    String why = NamespaceHosts.unavailable();
    Assumptions.assumeTrue(why == null, () -> "no namespace hosts here: " + why);
    keys = tmp.resolve("keys");
    TlsKeys.generate(keys);
    net = NamespaceHosts.create(4);
    for (NamespaceHosts.Host h : net.hosts()) {
      ProcessBuilder pb =
          h.command(
              Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp",
              System.getProperty("java.class.path"),
              AgentProcessMain.class.getName(),
              keys.toString(),
              "-",
              h.address());
      pb.environment().put("MONARCH_LOG_DIR", tmp.resolve("files-" + h.name()).toString());
      Process agent = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
      agents.add(agent);
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
      assertThat(lines.readLine()).isEqualTo("listening on " + h.address() + ":26600");
      // its console, as a terminal would: read, never left to fill up
      Thread drain =
          new Thread(
              () -> {
                try {
                  lines.transferTo(java.io.Writer.nullWriter());
                } catch (java.io.IOException e) {
                  // the agent is gone
                }
              });
      drain.setDaemon(true);
      drain.start();
      addresses.add(h.address() + ":26600");
    }
    realOut = System.out;
    realErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    hosts =
        HostMesh.connect(
            addresses.subList(0, 2),
            MonarchConfig.fromEnvironment().withTls(keys).withConnectTimeout(LOADED));
    far =
        HostMesh.connect(
            addresses.subList(2, 3),
            MonarchConfig.fromEnvironment().withTls(keys).withConnectTimeout(LOADED));
    doomed =
        HostMesh.connect(
            List.of(addresses.get(0), addresses.get(3)),
            MonarchConfig.fromEnvironment().withTls(keys).withConnectTimeout(LOADED));
  }

  @AfterAll
  static void stop() {
    try {
      if (hosts != null) {
        hosts.close();
      }
      if (far != null) {
        far.close();
      }
      if (doomed != null) {
        doomed.close();
      }
    } finally {
      if (realOut != null) {
        System.setOut(realOut);
        System.setErr(realErr);
      }
      agents.forEach(Process::destroyForcibly);
      if (net != null) {
        net.close();
      }
    }
  }

  static String out() {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  static String err() {
    synchronized (err) {
      return err.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void ranksKnowTheirHostsAndEachLineCarriesItsOwn() throws Exception {
    try (ProcMesh pm = hosts.spawnProcs(Map.of("gpus", 2))) {
      pm.loggingOption(true, null, 20);
      ActorMesh<Chatty> chatty = pm.spawn("chatty", Chatty.class);
      assertThat(chatty.call(Chatty::hostname)).containsExactly("host0", "host0", "host1", "host1");
      chatty.call(Chatty::print, "where am I");
      chatty.call(Chatty::printErr, "to stderr");
      pm.flush();
      for (int r = 0; r < 4; r++) {
        String host = "host" + r / 2;
        assertThat(out()).containsPattern("\\[" + host + " \\d+\\] \\[" + r + "\\] where am I\n");
        assertThat(err()).containsPattern("\\[" + host + " \\d+\\] \\[" + r + "\\] to stderr\n");
        assertThat(out()).doesNotContain("[" + r + "] to stderr");
      }
    }
  }

  /** 100 rounds without sleeps, then 20,000 lines a rank: all before their flush returns. */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void theBarrierIsExactAcrossHosts() throws Exception {
    try (ProcMesh pm = hosts.spawnProcs(Map.of("gpus", 2))) {
      pm.loggingOption(true, null, 20);
      ActorMesh<Chatty> chatty = pm.spawn("chatty", Chatty.class);
      for (int round = 0; round < 100; round++) {
        chatty.call(Chatty::print, "round " + round + " of the barrier");
        pm.flush();
        String text = out();
        for (int r = 0; r < 4; r++) {
          assertThat(text).contains("] [" + r + "] round " + round + " of the barrier\n");
        }
      }
      chatty.call(Chatty::printNumbered, "burst", 20_000);
      pm.flush();
      String text = out();
      for (int r = 0; r < 4; r++) {
        Matcher m = Pattern.compile("\\] \\[" + r + "\\] burst (\\d+)\n").matcher(text);
        int next = 0;
        while (m.find()) {
          assertThat(Integer.parseInt(m.group(1))).as("rank %d, in order", r).isEqualTo(next++);
        }
        assertThat(next).as("rank %d's burst, whole", r).isEqualTo(20_000);
      }
    }
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void identicalLinesFromEveryHostBecomeOneGroup() throws Exception {
    try (ProcMesh pm = hosts.spawnProcs(Map.of("gpus", 2))) {
      pm.loggingOption(true, 1, 20);
      ActorMesh<Chatty> chatty = pm.spawn("chatty", Chatty.class);
      chatty.call(Chatty::print, "the same from every host");
      await().atMost(Duration.ofSeconds(15)).until(() -> out().contains("[4 similar log lines]"));
      assertThat(out()).containsPattern("\\[4 similar log lines\\]\\S* .*the same from every host");
    }
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void eachHostKeepsTheFilesOfItsOwnRanks() throws Exception {
    try (ProcMesh pm = hosts.spawnProcs(Map.of("gpus", 2))) {
      pm.loggingOption(true, null, 20);
      ActorMesh<Chatty> chatty = pm.spawn("chatty", Chatty.class);
      chatty.call(Chatty::print, "kept on its host " + pm.pids());
      pm.flush();
      String line = "kept on its host " + pm.pids();
      for (int h = 0; h < 2; h++) {
        List<Path> files = new ArrayList<>();
        try (var s = Files.walk(tmp.resolve("files-host" + h))) {
          s.filter(p -> p.toString().endsWith(".stdout")).forEach(files::add);
        }
        List<String> mine = new ArrayList<>();
        for (Path f : files) {
          if (Files.readString(f).contains(line)) {
            mine.add(f.getFileName().toString().replaceAll("_.*", ""));
          }
        }
        assertThat(mine).containsExactlyInAnyOrder("rank" + 2 * h, "rank" + (2 * h + 1));
      }
    }
  }

  /** Its link down while a client holds procs there: the agent stops them within 60 s. */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void anAgentCutOffFromItsClientStopsItsProcs() throws Exception {
    NamespaceHosts.Host cut = net.hosts().get(2);
    ProcMesh pm =
        far.spawnProcs(
            Map.of("gpus", 1),
            ProcCommand.executable(List.of("sh", "-c", "exec sleep 1019")),
            new LoggingOptions(true, null, 20));
    assertThat(sleepers()).isEqualTo(1);
    net.cut(cut);
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> sleepers() == 0);
      await().atMost(Duration.ofSeconds(30)).until(() -> !pm.failures().isEmpty());
      assertThat(pm.failures().get(0).hostname()).isEqualTo("host2");
    } finally {
      net.restore(cut);
    }
  }

  /**
   * kill -9 of one host's agent mid-stream: its rank is reported failed on its host, a call fails
   * rather than hangs, flush names the rank, the other host streams on, stop returns.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void anAgentKilledMidStreamIsReportedAndTheOtherHostStreamsOn() throws Exception {
    ProcMesh pm = doomed.spawnProcs(Map.of("gpus", 1));
    pm.loggingOption(true, null, 20);
    ActorMesh<Chatty> chatty = pm.spawn("chatty", Chatty.class);
    chatty.call(Chatty::print, "before host3's agent is killed");
    pm.flush();
    assertThat(out()).containsPattern("\\[host3 \\d+\\] \\[1\\] before host3's agent is killed\n");
    agents.get(3).destroyForcibly();
    // Pekko's failure detector: 12.8 s measured alone, 20.1 s beside this class's other tests on
    // 2 cores (its heartbeats' intervals vary under load, so it waits longer)
    await().atMost(Duration.ofSeconds(30)).until(() -> !pm.failures().isEmpty());
    assertThat(pm.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rank()).isEqualTo(1);
              assertThat(f.hostname()).isEqualTo("host3");
              assertThat(f.exitStatus()).isEqualTo(255);
            });
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> chatty.call(Chatty::print, "after host3's agent was killed"))
        .isInstanceOf(ProcFailedException.class)
        .hasMessageContaining("rank 1");
    // the call failed at once on the lost rank; rank 0, on host0, prints and streams on
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Pattern.compile("\\[host0 \\d+\\] \\[0\\] after host3's agent was killed\n")
                    .matcher(out())
                    .find());
    org.assertj.core.api.Assertions.assertThatThrownBy(pm::flush)
        .isInstanceOf(FlushIncompleteException.class)
        .hasMessageContaining("rank 1");
    pm.stop();
  }

  static long sleepers() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.endsWith("sleep 1019")).orElse(false))
        .count();
  }
}
