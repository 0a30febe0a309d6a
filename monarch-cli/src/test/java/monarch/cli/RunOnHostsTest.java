package monarch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import monarch.config.TlsKeys;
import monarch.netns.NamespaceHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code monarch run --hosts} on two real hosts (network namespaces with their own addresses and
 * names, from {@link NamespaceHosts}), each running {@code monarch agent} with mutual TLS; the
 * client reaches them from this machine's side of their bridge. Each test runs its own CLI JVMs, so
 * they run side by side.
 */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
class RunOnHostsTest {
  /**
   * The connect bound of runs that must get through on a test machine other tests load (a cold
   * client JVM's first TLS handshake there took over 10 s); the refusals keep the default.
   */
  static final String LOADED = "60000";

  @TempDir static Path tmp;
  static NamespaceHosts net;
  static Path keys;
  static final List<AgentCommandTest.Agent> agents = new ArrayList<>();
  static final List<String> addresses = new ArrayList<>();

  @BeforeAll
  static void startAgents() throws Exception {
    String why = NamespaceHosts.unavailable();
    Assumptions.assumeTrue(why == null, () -> "no namespace hosts here: " + why);
    keys = tmp.resolve("keys");
    TlsKeys.generate(keys);
    net = NamespaceHosts.create(2);
    for (NamespaceHosts.Host h : net.hosts()) {
      String listen = h.address() + ":26600";
      AgentCommandTest.Agent agent =
          new AgentCommandTest.Agent(
              h.command(
                      MonarchCliTest.command("agent", "--listen", listen, "--tls", keys.toString()))
                  .start());
      agents.add(agent);
      assertThat(agent.listening(listen)).contains(h.name());
      addresses.add(listen);
    }
  }

  @AfterAll
  static void stopAgents() throws Exception {
    try {
      for (AgentCommandTest.Agent a : agents) {
        a.stop();
      }
    } finally {
      if (net != null) {
        net.close();
      }
    }
  }

  static MonarchCliTest.Result run(String... command) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("run", "--hosts", String.join(",", addresses), "-n", "2"));
    args.addAll(List.of(command));
    return MonarchCliTest.monarch(
        Map.of("MONARCH_TLS_DIR", keys.toString(), "MONARCH_CONNECT_TIMEOUT_MS", LOADED),
        args.toArray(String[]::new));
  }

  @Test
  void ranksRunHostByHostAndTheirLinesCarryTheirHost() throws Exception {
    MonarchCliTest.Result r =
        run("sh", "-c", "echo rank $RANK local $LOCAL_RANK of $WORLD_SIZE on $(hostname)");
    assertThat(r.exit()).as(r.describe()).isZero();
    for (int rank = 0; rank < 4; rank++) {
      String host = "host" + rank / 2;
      assertThat(r.out())
          .as(r.describe())
          .containsPattern(
              "\\["
                  + host
                  + " \\d+\\] \\["
                  + rank
                  + "\\] rank "
                  + rank
                  + " local "
                  + rank % 2
                  + " of 4 on "
                  + host
                  + "\n");
    }
  }

  /** Keys from another keygen, or none: refused within seconds, saying why, nothing spawned. */
  @Test
  @Timeout(150) // two refusals of up to 45 s each, which the test itself bounds
  void aClientWithoutTheAgentsKeysIsRefusedWithTheReason() throws Exception {
    Path others = tmp.resolve("others");
    TlsKeys.generate(others);
    for (Map<String, String> env :
        List.of(Map.of("MONARCH_TLS_DIR", others.toString()), Map.<String, String>of())) {
      long t0 = System.nanoTime();
      MonarchCliTest.Result r =
          MonarchCliTest.monarch(
              env, "run", "--hosts", String.join(",", addresses), "-n", "1", "echo", "never");
      assertThat(r.exit()).as(r.describe()).isEqualTo(1);
      assertThat(r.err())
          .as(r.describe())
          .contains("cannot reach 2 agents", addresses.get(0), "no monarch agent answered")
          .doesNotContain("\tat ");
      assertThat(r.out()).doesNotContain("never");
      // the default 10 s bound, the probe, and a CLI JVM's start on a loaded machine: bounded
      assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0))
          .isLessThan(java.time.Duration.ofSeconds(45));
    }
  }

  /**
   * A client killed with SIGKILL: every agent notices (death watch) and stops its procs within 40
   * s, and then serves the next client.
   */
  @Test
  @Timeout(180) // 31 s alone; beside MonarchCliTest's JVMs two client starts and the death
  // watch (bounded at 40 s below) went past the default 90 s twice
  void theProcsOfAKilledClientAreStoppedAndTheAgentsServeTheNextOne() throws Exception {
    List<String> args =
        new ArrayList<>(List.of("run", "--hosts", String.join(",", addresses), "-n", "1"));
    args.addAll(List.of("sh", "-c", "echo started; exec sleep 1017"));
    ProcessBuilder pb = new ProcessBuilder(MonarchCliTest.command(args.toArray(String[]::new)));
    pb.environment().put("MONARCH_TLS_DIR", keys.toString());
    pb.environment().put("MONARCH_CONNECT_TIMEOUT_MS", LOADED);
    Process client = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
    java.io.BufferedReader out =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                client.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
    int started = 0;
    for (String l; started < 2 && (l = out.readLine()) != null; ) {
      started += l.endsWith(" started") ? 1 : 0;
    }
    assertThat(started).isEqualTo(2);
    assertThat(sleepers()).isEqualTo(2);
    client.toHandle().destroyForcibly();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(40))
        .until(() -> sleepers() == 0);
    MonarchCliTest.Result next = run("echo", "next client");
    assertThat(next.exit()).as(next.describe()).isZero();
    assertThat(next.out()).contains("[3] next client");
  }

  /** How many of the killed client's ranks still run. */
  static long sleepers() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.endsWith("sleep 1017")).orElse(false))
        .count();
  }

  @Test
  void aRankThatFailsOnTheSecondHostSetsTheExitStatusAndIsNamed() throws Exception {
    MonarchCliTest.Result r = run("sh", "-c", "[ $RANK = 3 ] && exit 3; echo fine");
    assertThat(r.exit()).as(r.describe()).isEqualTo(3);
    assertThat(r.err()).as(r.describe()).contains("rank 3", "host1", "status 3");
  }
}
