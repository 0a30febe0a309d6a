package monarch.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Separate hosts on this machine, for tests and benchmarks: each a Linux network namespace with an
 * address of its own on a private /24 (a veth to a bridge in the root namespace, which has the
 * subnet's .1: the address a client here reaches them from), and a hostname of its own (each
 * command runs in a fresh UTS namespace). Needs root, iproute2 and util-linux ({@link #unavailable}
 * says what is missing).
 *
 * <p>Everything it makes is named {@code mnh<pid>...} after the JVM that made it. {@link #close}
 * (also a shutdown hook) kills what runs in the hosts and removes them; whatever a JVM killed with
 * SIGKILL left behind is removed by the next {@link #create} on the machine, which deletes every
 * {@code mnh} namespace and link whose JVM is gone.
 */
public final class NamespaceHosts implements AutoCloseable {
  static final String PREFIX = "mnh";
  private static final java.util.concurrent.atomic.AtomicInteger SETS =
      new java.util.concurrent.atomic.AtomicInteger();
  private static final Pattern OURS = Pattern.compile(PREFIX + "(\\d+)[-a-z]");

  /** One host: its hostname, namespace, address, and the bridge side of its link. */
  public record Host(String name, String namespace, String address, String link) {
    /** A command run on this host, under its hostname. */
    public ProcessBuilder command(String... command) {
      return command(List.of(command));
    }

    public ProcessBuilder command(List<String> command) {
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  "ip",
                  "netns",
                  "exec",
                  namespace,
                  "unshare",
                  "--uts",
                  "--",
                  "sh",
                  "-c",
                  "hostname \"$0\" && exec \"$@\"",
                  name));
      cmd.addAll(command);
      return new ProcessBuilder(cmd);
    }
  }

  private final String bridge;
  private final String gateway;
  private final List<Host> hosts;
  private final Thread hook = new Thread(this::close, "namespace-hosts-cleanup");
  private boolean closed;

  private NamespaceHosts(String bridge, String gateway, List<Host> hosts) {
    this.bridge = bridge;
    this.gateway = gateway;
    this.hosts = hosts;
  }

  /** Why hosts cannot be made here (not root, a tool missing, no namespaces), or null. */
  public static String unavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "network namespaces need root (CI runs as root); this is "
          + System.getProperty("user.name");
    }
    for (String tool : List.of("ip", "unshare")) {
      try {
        if (run(List.of(tool, "-V")).exit() != 0) {
          return tool + " -V failed";
        }
      } catch (IOException e) {
        return tool + " is missing (" + (tool.equals("ip") ? "iproute2" : "util-linux") + ")";
      }
    }
    String probe = PREFIX + ProcessHandle.current().pid() + "-probe";
    try {
      Result r = run(List.of("ip", "netns", "add", probe));
      if (r.exit() != 0) {
        return "cannot make a network namespace: " + r.out().strip();
      }
      run(List.of("ip", "netns", "del", probe));
    } catch (IOException e) {
      return "cannot make a network namespace: " + e.getMessage();
    }
    return null;
  }

  /**
   * Makes {@code n} (at most 10) hosts named {@code host0..}, after removing what dead JVMs left
   * behind.
   */
  public static synchronized NamespaceHosts create(int n) throws IOException {
    if (n < 1 || n > 10) {
      throw new IllegalArgumentException("1 to 10 hosts, not " + n);
    }
    removeStale();
    long pid = ProcessHandle.current().pid();
    int seq = SETS.getAndIncrement();
    String base = PREFIX + pid + (char) ('a' + seq % 26); // interface names: at most 15 chars
    String subnet = freeSubnet(pid + seq);
    String bridge = base + "br";
    List<Host> hosts = new ArrayList<>();
    NamespaceHosts made = new NamespaceHosts(bridge, subnet + ".1", hosts);
    Runtime.getRuntime().addShutdownHook(made.hook);
    try {
      must("ip", "link", "add", bridge, "type", "bridge");
      must("ip", "addr", "add", subnet + ".1/24", "dev", bridge);
      must("ip", "link", "set", bridge, "up");
      for (int i = 0; i < n; i++) {
        String ns = base + "-" + i;
        String link = base + "h" + i;
        Host h = new Host("host" + i, ns, subnet + "." + (i + 2), link);
        hosts.add(h);
        must("ip", "netns", "add", ns);
        must("ip", "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", ns);
        must("ip", "link", "set", link, "master", bridge);
        must("ip", "link", "set", link, "up");
        must("ip", "netns", "exec", ns, "ip", "addr", "add", h.address() + "/24", "dev", "eth0");
        must("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
        must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
      }
    } catch (IOException | RuntimeException e) {
      made.close();
      throw e;
    }
    return made;
  }

  public List<Host> hosts() {
    return hosts;
  }

  /** The root namespace's address on the hosts' subnet: where a client here dials from. */
  public String gateway() {
    return gateway;
  }

  /** Cuts the host off the network (its link down): nothing in or out until {@link #restore}. */
  public void cut(Host h) throws IOException {
    must("ip", "link", "set", h.link(), "down");
  }

  public void restore(Host h) throws IOException {
    must("ip", "link", "set", h.link(), "up");
  }

  /** Kills everything running in the hosts and removes them and the bridge. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // called by the hook itself
    }
    for (Host h : hosts) {
      removeNamespace(h.namespace());
      // at once: left to the kernel, the pair goes some time after the namespace
      quietly("ip", "link", "del", h.link());
    }
    quietly("ip", "link", "del", bridge);
  }

  /** Removes the namespaces and links of every JVM that is gone. */
  public static void removeStale() throws IOException {
    for (String line : run(List.of("ip", "netns", "list")).out().split("\n")) {
      String ns = line.split(" ")[0];
      if (isStale(ns)) {
        removeNamespace(ns);
      }
    }
    for (String line : run(List.of("ip", "-o", "link", "show")).out().split("\n")) {
      String[] f = line.split(":\\s+");
      if (f.length > 1) {
        String name = f[1].split("@")[0];
        if (isStale(name)) {
          quietly("ip", "link", "del", name);
        }
      }
    }
  }

  static boolean isStale(String name) {
    Matcher m = OURS.matcher(name);
    return m.lookingAt()
        && ProcessHandle.of(Long.parseLong(m.group(1))).map(p -> !p.isAlive()).orElse(true);
  }

  /** Kills what runs in it (a namespace lives on while a process is in it), then deletes it. */
  private static void removeNamespace(String ns) {
    try {
      List<ProcessHandle> running = new ArrayList<>();
      for (String pid : run(List.of("ip", "netns", "pids", ns)).out().split("\\s+")) {
        if (!pid.isEmpty()) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(running::add);
        }
      }
      running.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle p : running) {
        p.onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (IOException
        | java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException e) {
      // deleted below all the same
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    quietly("ip", "netns", "del", ns);
  }

  /** A 10.213.X.0/24 that no address or route of this machine overlaps, starting at pid % 250. */
  static String freeSubnet(long pid) throws IOException {
    String used =
        run(List.of("ip", "-4", "-o", "addr", "show")).out()
            + run(List.of("ip", "-4", "route", "show", "table", "all")).out();
    for (int k = 0; k < 250; k++) {
      String subnet = "10.213." + (int) ((pid + k) % 250 + 1);
      if (!used.contains(subnet + ".") && !used.contains("10.213.0.0/16")) {
        return subnet;
      }
    }
    throw new IOException("no free /24 left in 10.213.0.0/16");
  }

  record Result(int exit, String out) {}

  static Result run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish within 30 s");
      }
      return new Result(p.exitValue(), out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static void must(String... command) throws IOException {
    Result r = run(List.of(command));
    if (r.exit() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + r.out().strip());
    }
  }

  /** Best effort (clean-up): what it cannot remove, the next create on the machine does. */
  private static void quietly(String... command) {
    try {
      run(List.of(command));
    } catch (IOException e) {
      System.err.println("NamespaceHosts: " + String.join(" ", command) + ": " + e.getMessage());
    }
  }

  /** Makes hosts and waits to be killed: how the tests leave hosts behind as a killed JVM does. */
  public static void main(String[] args) throws Exception {
    NamespaceHosts hosts = create(Integer.parseInt(args[0]));
    for (Host h : hosts.hosts()) {
      System.out.println(h.namespace());
    }
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
