package monarch.internal.launch;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import monarch.config.MonarchConfig;
import monarch.internal.proc.ProcMain;
import monarch.internal.protocol.ProcSpec;

/**
 * Builds the command line of a JVM proc. The flags are the cheap start-up wins for a child JVM that
 * has to be ready in a fraction of a second but then runs the user's workload for as long as it
 * likes, so none of them trades peak performance for start-up (see docs/BENCHMARKS.md, "Start-up",
 * for what each bought). The user's MONARCH_PROC_JVM_OPTS come last so they can override any of
 * them, or opt in to start-up flags that do cost peak performance, such as {@code
 * -XX:TieredStopAtLevel=1} (no C2 JIT) for procs that live only a few seconds.
 */
public final class ProcLauncher {
  /** Start-up flags every JVM proc gets. */
  static final List<String> STARTUP_FLAGS =
      List.of(
          // no hsperfdata file per proc: nothing to mmap and clean up
          "-XX:-UsePerfData",
          // JVM warnings belong on the proc's stderr, never interleaved with the user's stdout
          "-Xlog:disable",
          "-Xlog:all=warning:stderr",
          // class data sharing (the JDK's archive and the procs' AppCDS archive) when it can be
          // used,
          // and a silent fallback when it cannot: never a reason for a proc not to start
          "-Xshare:auto");

  /**
   * What every proc's command starts with: util-linux's setsid, which makes the proc the leader of
   * a session and process group of its own before it execs (same pid, no extra process). Signals
   * meant for the client (a terminal's Ctrl-C, a kill of its process group) then reach the client
   * alone, which stops its ranks itself, and the agent can signal a proc's whole group
   * (ProcReaper). {@code -w}: if setsid ever has to fork, it still returns the proc's status.
   * Empty, and procs share the agent's group, where setsid is missing.
   */
  public static final List<String> SETSID = findSetsid();

  /**
   * System property that decides whether procs get {@link #selectorProviderFlags}; default true.
   */
  static final String PIN_SELECTOR_PROPERTY = "monarch.proc.pinSelectorProvider";

  static final String SELECTOR_PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";
  static final String SELECTOR_PROVIDER_SERVICE =
      "META-INF/services/" + SelectorProvider.class.getName();

  private final MonarchConfig config;
  private final String classpath;
  private final List<String> flags;
  final CdsArchive cds;

  /**
   * {@code flags}: from {@link #startupFlags}, the same the archive's training run got; {@code
   * classpath}: the JVM procs'.
   */
  ProcLauncher(MonarchConfig config, String classpath, List<String> flags, CdsArchive cds) {
    this.config = config;
    this.classpath = classpath;
    this.flags = List.copyOf(flags);
    this.cds = cds;
  }

  /** A launcher whose JVM procs run on {@code classpath}, with that class path's CDS archive. */
  public static ProcLauncher forClasspath(MonarchConfig config, String classpath) {
    List<String> flags = startupFlags(classpath);
    // The archive's one-off training run (a JVM, about 2 CPU-s) starts with the first JVM proc,
    // not here: a mesh of executables never needs it.
    return new ProcLauncher(config, classpath, flags, CdsArchive.forClasspath(classpath, flags));
  }

  /** The command line of a proc that runs {@code spec}. */
  public List<String> command(ProcSpec spec) {
    List<String> cmd = new ArrayList<>(SETSID);
    if (spec instanceof ProcSpec.Executable e) {
      cmd.addAll(e.argv());
    } else {
      cmd.addAll(jvmCommand());
      if (spec instanceof ProcSpec.JavaMain m) {
        cmd.add("--main");
        cmd.add(m.mainClass());
        cmd.addAll(m.args());
      }
    }
    return cmd;
  }

  private static List<String> findSetsid() {
    for (String dir :
        System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      Path setsid = Paths.get(dir.isEmpty() ? "." : dir, "setsid");
      if (dir.startsWith("/") && Files.isExecutable(setsid)) {
        return List.of(setsid.toString(), "-w");
      }
    }
    return List.of();
  }

  /** The flags every proc on this class path gets before the archive's and the user's. */
  static List<String> startupFlags(String classpath) {
    List<String> flags = new ArrayList<>(STARTUP_FLAGS);
    flags.addAll(selectorProviderFlags(classpath));
    return List.copyOf(flags);
  }

  List<String> jvmCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary().toString());
    cmd.addAll(flags);
    cmd.addAll(cds.flags());
    cmd.addAll(config.procJvmOptions());
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(ProcMain.class.getName());
    return cmd;
  }

  /**
   * Names the JDK's own NIO SelectorProvider in the proc's system properties. Without it, the
   * proc's first socket (the dial to its agent) looks for a provider service on the class path,
   * which opens and indexes every jar on it before the proc can say Hello. With this project's 30
   * jars that was 25-30 ms of a proc's ~190 ms to Hello and 30-50 ms of its CPU, and the zip
   * indexing loops were what set off its first C2 compilations (docs/BENCHMARKS.md). The flag is
   * given only when it changes nothing else: the procs run this JVM's java (so the class exists and
   * is the default they would get), the proc class path is this JVM's and declares no provider
   * service, and nobody chose a provider for this JVM. Empty otherwise, or when the system property
   * {@value #PIN_SELECTOR_PROPERTY} is false.
   */
  static List<String> selectorProviderFlags(String procClasspath) {
    if (!Boolean.parseBoolean(System.getProperty(PIN_SELECTOR_PROPERTY, "true"))
        || System.getProperty(SELECTOR_PROVIDER_PROPERTY) != null
        || !procClasspath.equals(System.getProperty("java.class.path"))) {
      return List.of();
    }
    try {
      if (ClassLoader.getSystemClassLoader()
          .getResources(SELECTOR_PROVIDER_SERVICE)
          .hasMoreElements()) {
        return List.of();
      }
      Class<?> provider = SelectorProvider.provider().getClass();
      if (provider.getModule() != Object.class.getModule()
          || !Modifier.isPublic(provider.getModifiers())
          || !Modifier.isPublic(provider.getConstructor().getModifiers())) {
        return List.of();
      }
      return List.of("-D" + SELECTOR_PROVIDER_PROPERTY + "=" + provider.getName());
    } catch (IOException | NoSuchMethodException | RuntimeException e) {
      return List.of();
    }
  }

  static Path javaBinary() {
    return Paths.get(System.getProperty("java.home"), "bin", "java");
  }
}
