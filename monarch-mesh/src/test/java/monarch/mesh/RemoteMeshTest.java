package monarch.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import monarch.config.MonarchConfig;
import monarch.config.TlsKeys;
import monarch.logging.LoggingOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client and agents that only meet over the network: agents started as {@code monarch agent}
 * starts them (here in this JVM, on loopback), reached with {@link HostMesh#connect} over Artery
 * with mutual TLS.
 */
class RemoteMeshTest {
  static PrintStream realOut;
  static final LoggingBarrierTest.Capture captured = new LoggingBarrierTest.Capture();

  /** A connect bound for a test machine that other tests load: the default is for people. */
  static final java.time.Duration LOADED = java.time.Duration.ofSeconds(60);

  @TempDir static Path tmp;
  static Path keys;
  static HostAgentServer a;
  static HostAgentServer b;

  @BeforeAll
  static void start() throws Exception {
    realOut = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    keys = tmp.resolve("keys");
    TlsKeys.generate(keys);
    MonarchConfig agentConfig = MonarchConfig.fromEnvironment().withFileLog(tmp.resolve("files"));
    a = HostAgentServer.start("127.0.0.1", 0, keys, false, "host-a", agentConfig);
    b = HostAgentServer.start("127.0.0.1", 0, keys, false, "host-b", agentConfig);
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    System.setOut(realOut);
  }

  static String out() {
    return captured.text();
  }

  @Test
  void procsOnTwoAgentsStreamTheirLinesWithTheirHostsAndExitStatuses() throws Exception {
    try (HostMesh hosts =
        HostMesh.connect(
            List.of(a.address(), b.address()),
            MonarchConfig.fromEnvironment().withTls(keys).withConnectTimeout(LOADED))) {
      ProcMesh pm =
          hosts.spawnProcs(
              Map.of("gpus", 2),
              ProcCommand.executable(
                  List.of("sh", "-c", "echo remote $RANK of $WORLD_SIZE; exit $((RANK == 3))")),
              new LoggingOptions(true, null, 20));
      assertThat(pm.exitStatuses().get(30, TimeUnit.SECONDS)).containsExactly(0, 0, 0, 1);
      assertThatThrownBy(pm::flush)
          .isInstanceOf(FlushIncompleteException.class)
          .hasMessageContaining("rank 3 is dead");
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                for (int r = 0; r < 4; r++) {
                  String host = r < 2 ? "host-a" : "host-b";
                  assertThat(out())
                      .containsPattern(
                          "\\[" + host + " \\d+\\] \\[" + r + "\\] remote " + r + " of 4\n");
                }
              });
      assertThat(pm.failures())
          .singleElement()
          .satisfies(f -> assertThat(f.hostname()).isEqualTo("host-b"));
      pm.stop();
    }
  }

  /** JVM procs on both agents: an actor call, then the barrier, exact across the network. */
  @Test
  void actorCallsAndTheBarrierWorkAcrossTheNetwork() throws Exception {
    try (HostMesh hosts =
        HostMesh.connect(
            List.of(a.address(), b.address()),
            MonarchConfig.fromEnvironment().withTls(keys).withConnectTimeout(LOADED))) {
      ProcMesh pm = hosts.spawnProcs(Map.of("gpus", 1));
      pm.loggingOption(true, null, 20);
      ActorMesh<Chatty> chatty = pm.spawn("chatty", Chatty.class);
      for (int round = 0; round < 20; round++) {
        chatty.call(Chatty::print, "over the wire " + round);
        pm.flush(); // every line written before it is printed when it returns
        assertThat(out())
            .contains("] [0] over the wire " + round + "\n", "] [1] over the wire " + round + "\n");
      }
      assertThat(out()).containsPattern("\\[host-a \\d+\\] \\[0\\] over the wire 0\n");
      assertThat(out()).containsPattern("\\[host-b \\d+\\] \\[1\\] over the wire 0\n");
      pm.stop();
    }
  }

  /**
   * An agent killed with SIGKILL mid-stream: within 20 s its rank is reported failed with its host,
   * a call fails rather than hangs, flush names it, the other host streams on, stop returns.
   */
  @Test
  void anAgentKilledMidStreamIsReportedAndTheOtherHostStreamsOn() throws Exception {
    Process c =
        new ProcessBuilder(
                java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                AgentProcessMain.class.getName(),
                keys.toString(),
                "host-c")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      String line =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      assertThat(line).startsWith("listening on 127.0.0.1:");
      String cAddress = line.substring("listening on ".length());
      try (HostMesh hosts =
          HostMesh.connect(
              List.of(a.address(), cAddress),
              MonarchConfig.fromEnvironment().withTls(keys).withConnectTimeout(LOADED))) {
        ProcMesh pm = hosts.spawnProcs(Map.of("gpus", 1));
        pm.loggingOption(true, null, 20);
        ActorMesh<Chatty> chatty = pm.spawn("chatty", Chatty.class);
        chatty.call(Chatty::print, "before the kill");
        pm.flush();
        c.toHandle().destroyForcibly();
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(20))
            .until(() -> !pm.failures().isEmpty());
        assertThat(pm.failures())
            .singleElement()
            .satisfies(
                f -> {
                  assertThat(f.rank()).isEqualTo(1);
                  assertThat(f.hostname()).isEqualTo("host-c");
                  assertThat(f.exitStatus()).isEqualTo(255);
                });
        assertThatThrownBy(() -> chatty.call(Chatty::print, "after the kill"))
            .isInstanceOf(ProcFailedException.class)
            .hasMessageContaining("rank 1");
        // the call failed at once on the lost rank, so rank 0 may still be printing: host a
        // streams on
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(20))
            .until(() -> out().contains("] [0] after the kill\n"));
        assertThatThrownBy(pm::flush)
            .isInstanceOf(FlushIncompleteException.class)
            .hasMessageContaining("rank 1");
        assertThatThrownBy(() -> hosts.spawnProcs(Map.of("gpus", 1)))
            .isInstanceOf(MeshException.class)
            .hasMessageContaining(cAddress + " is gone");
        pm.stop();
      }
    } finally {
      c.destroyForcibly();
    }
  }

  /**
   * Two clients on one agent at once: each has its own procs and ranks, and one client leaving
   * stops its procs only; the other goes on calling and flushing.
   */
  @Test
  void twoClientsShareAnAgentAndOneLeavingLeavesTheOther() throws Exception {
    MonarchConfig config = MonarchConfig.fromEnvironment().withTls(keys).withConnectTimeout(LOADED);
    try (HostMesh second = HostMesh.connect(List.of(b.address(), a.address()), config)) {
      ProcMesh stays = second.spawnProcs(Map.of("gpus", 1));
      stays.loggingOption(true, null, 20);
      ActorMesh<Chatty> staying = stays.spawn("chatty", Chatty.class);
      long gonePid;
      try (HostMesh first = HostMesh.connect(List.of(a.address()), config)) {
        ProcMesh leaves = first.spawnProcs(Map.of("gpus", 1));
        leaves.loggingOption(true, null, 20);
        gonePid = leaves.pids().get(0);
        assertThat(gonePid).isNotIn(stays.pids());
        leaves.spawn("chatty", Chatty.class).call(Chatty::print, "from the first client");
        staying.call(Chatty::print, "from the second client");
        leaves.flush();
        stays.flush();
        assertThat(out())
            .containsPattern("\\[host-a " + gonePid + "\\] \\[0\\] from the first client\n")
            .containsPattern("\\[host-a \\d+\\] \\[1\\] from the second client\n");
      }
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(20))
          .until(() -> !TeardownTest.alive(gonePid));
      staying.call(Chatty::print, "after the first left");
      stays.flush();
      assertThat(out()).contains("] [1] after the first left\n", "] [0] after the first left\n");
      assertThat(stays.failures()).isEmpty();
      stays.stop();
    }
  }

  /**
   * JVM procs on a remote agent run on the client's class path: an actor class only the client has
   * (compiled here, in a directory on no JVM's class path) starts there; one whose class path entry
   * does not exist on the agent's host is an error naming the class, the host and the entry.
   */
  @Test
  void procsRunOnTheClientsClassPathAndAMissingClassIsNamedWithItsHost() throws Exception {
    Path classes = compileGreeter(tmp.resolve("client-only"));
    Class<Chatty> greeter = loadGreeter(classes);
    String own = System.getProperty("java.class.path");
    try (HostMesh hosts = connectWithClasspath(own + java.io.File.pathSeparator + classes)) {
      ProcMesh pm = hosts.spawnProcs(Map.of("gpus", 1));
      assertThat(pm.spawn("greeter", greeter).call(Chatty::hostname))
          .containsExactly("greeted on host-a");
      pm.stop();
    }
    String absent = tmp.resolve("not-on-this-host.jar").toString();
    try (HostMesh hosts = connectWithClasspath(own + java.io.File.pathSeparator + absent)) {
      ProcMesh pm = hosts.spawnProcs(Map.of("gpus", 1));
      assertThatThrownBy(() -> pm.spawn("greeter", greeter))
          .isInstanceOf(ActorCallException.class)
          .hasMessageContaining("cannot load class extra.Greeter on host host-a")
          .hasMessageContaining("first " + absent);
      pm.stop();
    }
  }

  static HostMesh connectWithClasspath(String classpath) {
    return HostMesh.connect(
        List.of(a.address()),
        MonarchConfig.fromEnvironment(Map.of("MONARCH_PROC_CLASSPATH", classpath))
            .withTls(keys)
            .withConnectTimeout(LOADED));
  }

  /** Compiles extra.Greeter, a Chatty whose hostname endpoint says it was greeted, into dir. */
  static Path compileGreeter(Path dir) throws Exception {
    Path src = dir.resolve("src/extra/Greeter.java");
    java.nio.file.Files.createDirectories(src.getParent());
    java.nio.file.Files.writeString(
        src,
        "package extra;\n"
            + "public class Greeter extends monarch.mesh.Chatty {\n"
            + "  @monarch.actor.Endpoint\n"
            + "  @Override\n"
            + "  public String hostname() { return \"greeted on \" + super.hostname(); }\n"
            + "}\n");
    Path out = dir.resolve("classes");
    int status =
        javax.tools.ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "-cp",
                System.getProperty("java.class.path"),
                "-d",
                out.toString(),
                src.toString());
    assertThat(status).as("javac of extra.Greeter").isZero();
    return out;
  }

  @SuppressWarnings("unchecked")
  static Class<Chatty> loadGreeter(Path classes) throws Exception {
    ClassLoader loader =
        new java.net.URLClassLoader(
            new java.net.URL[] {classes.toUri().toURL()}, RemoteMeshTest.class.getClassLoader());
    return (Class<Chatty>) loader.loadClass("extra.Greeter");
  }

  @Test
  void anAgentThatIsNotThereIsNamedWithTheReason() {
    assertThatThrownBy(
            () ->
                HostMesh.connect(
                    List.of(a.address(), "127.0.0.1:1"),
                    MonarchConfig.fromEnvironment().withTls(keys).withConnectTimeout(LOADED)))
        .isInstanceOf(MeshException.class)
        .hasMessageContaining("127.0.0.1:1 (connection refused")
        .hasMessageNotContaining(a.address());
  }
}
