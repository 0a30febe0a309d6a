package monarch.config;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import monarch.logging.Similarity;

/**
 * Every knob of the mesh in one immutable value: read from the environment (the variables of
 * DESIGN.md section 5) or built in code with the {@code with...} methods. A bad value is an
 * IllegalArgumentException naming the variable, never a silent default.
 *
 * @param enableLogForwarding HYPERACTOR_MESH_ENABLE_LOG_FORWARDING: spawn log forwarders
 * @param readLogBuffer HYPERACTOR_READ_LOG_BUFFER: lines per batch before a forced send
 * @param forceFileLog HYPERACTOR_FORCE_FILE_LOG: per-proc files even on the local host
 * @param prefixWithRank HYPERACTOR_PREFIX_WITH_RANK: "[rank] " before each line
 * @param logDir MONARCH_LOG_DIR: where per-proc files go
 * @param procJvmOptions MONARCH_PROC_JVM_OPTS: extra JVM options for JVM procs (space separated)
 * @param procClasspath MONARCH_PROC_CLASSPATH: class path of JVM procs (default: the client's)
 * @param procReadyTimeout MONARCH_PROC_READY_TIMEOUT_MS: how long a JVM proc may take to dial in
 * @param logPolicy MONARCH_LOG_POLICY: when the client is slower than the procs, {@code
 *     backpressure} (default: lossless, procs wait) or {@code drop} (counted, reported)
 * @param tlsDir MONARCH_TLS_DIR: keys from {@code monarch keygen} for reaching agents with mutual
 *     TLS; null: in the clear (loopback agents, or ones started with --insecure)
 * @param clientAddress MONARCH_CLIENT_ADDRESS: the address this client listens on for its agents;
 *     null: the local address that routes to the first agent
 * @param connectTimeout MONARCH_CONNECT_TIMEOUT_MS: how long {@code HostMesh.connect} waits for its
 *     agents (default 10 s)
 * @param aggregateRule MONARCH_AGGREGATE_RULE: how aggregation groups lines unless {@code
 *     LoggingOptions.withSimilarity} says otherwise ({@code template}, the default, or {@code
 *     levenshtein})
 */
public record MonarchConfig(
    boolean enableLogForwarding,
    int readLogBuffer,
    boolean forceFileLog,
    boolean prefixWithRank,
    Path logDir,
    List<String> procJvmOptions,
    String procClasspath,
    Duration procReadyTimeout,
    LogPolicy logPolicy,
    Path tlsDir,
    String clientAddress,
    Duration connectTimeout,
    Similarity aggregateRule) {

  public MonarchConfig {
    if (readLogBuffer < 1) {
      throw new IllegalArgumentException("readLogBuffer must be at least 1, got " + readLogBuffer);
    }
    if (procReadyTimeout.isNegative() || procReadyTimeout.isZero()) {
      throw new IllegalArgumentException(
          "procReadyTimeout must be positive, got " + procReadyTimeout);
    }
    procJvmOptions = List.copyOf(procJvmOptions);
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
    }
    if (aggregateRule == null) {
      throw new IllegalArgumentException("aggregateRule may not be null");
    }
  }

  public static MonarchConfig defaults() {
    return new MonarchConfig(
        true,
        100,
        false,
        true,
        defaultLogDir(),
        List.of(),
        System.getProperty("java.class.path"),
        Duration.ofSeconds(60),
        LogPolicy.BACKPRESSURE,
        null,
        null,
        Duration.ofSeconds(10),
        Similarity.TEMPLATE);
  }

  public static MonarchConfig fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  private static boolean isBlank(String v) {
    return v == null || v.isBlank();
  }

  public static MonarchConfig fromEnvironment(Map<String, String> env) {
    MonarchConfig d = defaults();
    String jvmOpts = env.get("MONARCH_PROC_JVM_OPTS");
    return new MonarchConfig(
        bool(env, "HYPERACTOR_MESH_ENABLE_LOG_FORWARDING", d.enableLogForwarding),
        positiveInt(env, "HYPERACTOR_READ_LOG_BUFFER", d.readLogBuffer),
        bool(env, "HYPERACTOR_FORCE_FILE_LOG", d.forceFileLog),
        bool(env, "HYPERACTOR_PREFIX_WITH_RANK", d.prefixWithRank),
        // empty, like unset: an empty path would be the current directory
        isBlank(env.get("MONARCH_LOG_DIR")) ? d.logDir : Paths.get(env.get("MONARCH_LOG_DIR")),
        jvmOpts == null || jvmOpts.isBlank()
            ? d.procJvmOptions
            : Arrays.asList(jvmOpts.trim().split("\\s+")),
        isBlank(env.get("MONARCH_PROC_CLASSPATH"))
            ? d.procClasspath
            : env.get("MONARCH_PROC_CLASSPATH"),
        Duration.ofMillis(
            positiveInt(env, "MONARCH_PROC_READY_TIMEOUT_MS", (int) d.procReadyTimeout.toMillis())),
        policy(env, d.logPolicy),
        isBlank(env.get("MONARCH_TLS_DIR")) ? null : Paths.get(env.get("MONARCH_TLS_DIR")),
        isBlank(env.get("MONARCH_CLIENT_ADDRESS"))
            ? null
            : env.get("MONARCH_CLIENT_ADDRESS").trim(),
        Duration.ofMillis(
            positiveInt(env, "MONARCH_CONNECT_TIMEOUT_MS", (int) d.connectTimeout.toMillis())),
        rule(env, d.aggregateRule));
  }

  /**
   * Per user under the shared tmpdir: the host agent checks each level of it is the user's alone.
   */
  static Path defaultLogDir() {
    return Paths.get(
        System.getProperty("java.io.tmpdir"), System.getProperty("user.name"), "monarch");
  }

  static boolean bool(Map<String, String> env, String name, boolean dflt) {
    String v = env.get(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    switch (v.trim().toLowerCase()) {
      case "1":
      case "true":
      case "yes":
      case "on":
        return true;
      case "0":
      case "false":
      case "no":
      case "off":
        return false;
      default:
        throw new IllegalArgumentException(
            name + " must be true or false (or 1/0, yes/no, on/off), got '" + v + "'");
    }
  }

  static Similarity rule(Map<String, String> env, Similarity dflt) {
    String v = env.get("MONARCH_AGGREGATE_RULE");
    if (isBlank(v)) {
      return dflt;
    }
    try {
      return Similarity.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("MONARCH_AGGREGATE_RULE: " + e.getMessage(), e);
    }
  }

  static LogPolicy policy(Map<String, String> env, LogPolicy dflt) {
    String v = env.get("MONARCH_LOG_POLICY");
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    switch (v.trim().toLowerCase()) {
      case "backpressure":
        return LogPolicy.BACKPRESSURE;
      case "drop":
        return LogPolicy.DROP;
      default:
        throw new IllegalArgumentException(
            "MONARCH_LOG_POLICY must be backpressure or drop, got '" + v + "'");
    }
  }

  static int positiveInt(Map<String, String> env, String name, int dflt) {
    String v = env.get(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException(
        name + " must be a whole number from 1 to " + Integer.MAX_VALUE + ", got '" + v + "'");
  }

  public MonarchConfig withProcJvmOptions(List<String> options) {
    return with(c -> c.procJvmOptions = options);
  }

  public MonarchConfig withProcReadyTimeout(Duration timeout) {
    return with(c -> c.procReadyTimeout = timeout);
  }

  public MonarchConfig withPrefixWithRank(boolean on) {
    return with(c -> c.prefixWithRank = on);
  }

  public MonarchConfig withLogForwarding(boolean on) {
    return with(c -> c.enableLogForwarding = on);
  }

  public MonarchConfig withFileLog(Path dir) {
    return with(
        c -> {
          c.forceFileLog = true;
          c.logDir = dir;
        });
  }

  public MonarchConfig withLogPolicy(LogPolicy policy) {
    return with(c -> c.logPolicy = policy);
  }

  /** Agents are reached with mutual TLS, with the keys {@code monarch keygen dir} made. */
  public MonarchConfig withTls(Path dir) {
    return with(c -> c.tlsDir = dir);
  }

  /** How long {@code HostMesh.connect} waits for its agents. */
  public MonarchConfig withConnectTimeout(Duration timeout) {
    return with(c -> c.connectTimeout = timeout);
  }

  /** The address this client listens on for its agents (null: the one that routes to them). */
  public MonarchConfig withClientAddress(String address) {
    return with(c -> c.clientAddress = address);
  }

  /** How aggregation groups lines unless a mesh's LoggingOptions say otherwise. */
  public MonarchConfig withAggregateRule(Similarity rule) {
    return with(c -> c.aggregateRule = rule);
  }

  /** A copy of this config with {@code change} applied, checked as any new one is. */
  private MonarchConfig with(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  /** The components, open for one wither's change; lives only inside {@link #with}. */
  private static final class Copy {
    boolean enableLogForwarding;
    int readLogBuffer;
    boolean forceFileLog;
    boolean prefixWithRank;
    Path logDir;
    List<String> procJvmOptions;
    String procClasspath;
    Duration procReadyTimeout;
    LogPolicy logPolicy;
    Path tlsDir;
    String clientAddress;
    Duration connectTimeout;
    Similarity aggregateRule;

    Copy(MonarchConfig c) {
      enableLogForwarding = c.enableLogForwarding;
      readLogBuffer = c.readLogBuffer;
      forceFileLog = c.forceFileLog;
      prefixWithRank = c.prefixWithRank;
      logDir = c.logDir;
      procJvmOptions = c.procJvmOptions;
      procClasspath = c.procClasspath;
      procReadyTimeout = c.procReadyTimeout;
      logPolicy = c.logPolicy;
      tlsDir = c.tlsDir;
      clientAddress = c.clientAddress;
      connectTimeout = c.connectTimeout;
      aggregateRule = c.aggregateRule;
    }

    MonarchConfig build() {
      return new MonarchConfig(
          enableLogForwarding,
          readLogBuffer,
          forceFileLog,
          prefixWithRank,
          logDir,
          procJvmOptions,
          procClasspath,
          procReadyTimeout,
          logPolicy,
          tlsDir,
          clientAddress,
          connectTimeout,
          aggregateRule);
    }
  }
}
