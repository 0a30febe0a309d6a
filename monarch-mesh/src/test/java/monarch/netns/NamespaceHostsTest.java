package monarch.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import monarch.netns.NamespaceHosts.Host;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hosts the many-host tests run on: separate addresses and names, a cut, no leftovers. */
class NamespaceHostsTest {
  @BeforeAll
  static void needsNamespaces() {
    String why = NamespaceHosts.unavailable();
    Assumptions.assumeTrue(why == null, () -> "no namespace hosts here: " + why);
  }

  @Test
  void hostsHaveTheirOwnNamesAndAddressesReachEachOtherAndCanBeCut() throws Exception {
    List<Process> started = new ArrayList<>();
    try (NamespaceHosts net = NamespaceHosts.create(2)) {
      Host a = net.hosts().get(0);
      Host b = net.hosts().get(1);
      assertThat(output(a.command("hostname"))).isEqualTo("host0");
      assertThat(output(b.command("hostname"))).isEqualTo("host1");
      assertThat(output(a.command("ip", "-4", "-o", "addr", "show", "eth0")))
          .contains(" " + a.address() + "/24");
      Process echo = a.command(java("listen", a.address(), "7000")).start();
      started.add(echo);
      BufferedReader r =
          new BufferedReader(new InputStreamReader(echo.getInputStream(), StandardCharsets.UTF_8));
      assertThat(r.readLine()).isEqualTo("listening");
      InetSocketAddress at = new InetSocketAddress(a.address(), 7000);
      assertThat(TcpEcho.ask(at, "hi")).isEqualTo("echo hi from host0"); // from the root's .1
      assertThat(output(b.command(java("ask", a.address(), "7000", "there"))))
          .isEqualTo("echo there from host0");
      net.cut(a);
      assertThatThrownBy(() -> TcpEcho.ask(at, "cut")).isInstanceOf(java.io.IOException.class);
      net.restore(a);
      assertThat(TcpEcho.ask(at, "back")).isEqualTo("echo back from host0");
      net.close(); // kills what runs in the hosts
      assertThat(echo.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ours()).doesNotContain(a.namespace(), b.namespace());
      assertThat(NamespaceHosts.run(List.of("ip", "-o", "link", "show")).out())
          .doesNotContain(a.link(), b.link());
    } finally {
      started.forEach(Process::destroyForcibly);
    }
  }

  /** A JVM killed with SIGKILL leaves its hosts; the next create on the machine removes them. */
  @Test
  void whatAKilledJvmLeftIsRemovedByTheNextCreate() throws Exception {
    Process child =
        new ProcessBuilder(java(NamespaceHosts.class.getName(), "2"))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<String> left = new ArrayList<>();
    try {
      BufferedReader r =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      left.add(r.readLine());
      left.add(r.readLine());
    } finally {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(left).allMatch(ns -> ns.startsWith("mnh" + child.pid()));
    assertThat(ours()).containsAll(left);
    try (NamespaceHosts net = NamespaceHosts.create(1)) {
      assertThat(ours()).doesNotContainAnyElementsOf(left);
      assertThat(NamespaceHosts.run(List.of("ip", "-o", "link", "show")).out())
          .doesNotContain("mnh" + child.pid());
    }
  }

  /** The namespaces whose names are the helper's. */
  static List<String> ours() throws Exception {
    List<String> names = new ArrayList<>();
    for (String line : NamespaceHosts.run(List.of("ip", "netns", "list")).out().split("\n")) {
      if (line.startsWith(NamespaceHosts.PREFIX)) {
        names.add(line.split(" ")[0]);
      }
    }
    return names;
  }

  static List<String> java(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path")));
    if (!args[0].contains(".")) {
      cmd.add(TcpEcho.class.getName());
    }
    cmd.addAll(List.of(args));
    return cmd;
  }

  static String output(ProcessBuilder pb) throws Exception {
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
