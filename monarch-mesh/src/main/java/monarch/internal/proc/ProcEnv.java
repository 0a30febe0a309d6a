package monarch.internal.proc;

import java.util.Map;

/**
 * What a host agent tells a proc through its environment. The names are the public contract for
 * executables too (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE); the rest is monarch's own.
 */
public record ProcEnv(
    int rank,
    int localRank,
    int worldSize,
    int localWorldSize,
    String channel,
    String procId,
    String hostname) {

  public static final String RANK = "RANK";
  public static final String LOCAL_RANK = "LOCAL_RANK";
  public static final String WORLD_SIZE = "WORLD_SIZE";
  public static final String LOCAL_WORLD_SIZE = "LOCAL_WORLD_SIZE";
  public static final String CHANNEL = "BOOTSTRAP_LOG_CHANNEL";
  public static final String PROC_ID = "MONARCH_PROC_ID";
  public static final String HOSTNAME = "MONARCH_HOSTNAME";

  /** A JVM proc's first log level, when it is not INFO (java.util.logging's own default). */
  public static final String LOG_LEVEL = "MONARCH_LOG_LEVEL";

  public void exportTo(Map<String, String> env) {
    env.put(RANK, Integer.toString(rank));
    env.put(LOCAL_RANK, Integer.toString(localRank));
    env.put(WORLD_SIZE, Integer.toString(worldSize));
    env.put(LOCAL_WORLD_SIZE, Integer.toString(localWorldSize));
    env.put(PROC_ID, procId);
    env.put(HOSTNAME, hostname);
    if (channel != null) {
      env.put(CHANNEL, channel);
    }
  }

  /** Reads the environment of this proc; a missing or bad variable is a clear error. */
  public static ProcEnv fromEnvironment(Map<String, String> env) {
    String channel = env.get(CHANNEL);
    if (channel == null || channel.isEmpty()) {
      throw new IllegalStateException(
          CHANNEL + " is not set: a monarch proc is started by a host agent, not by hand");
    }
    return new ProcEnv(
        intVar(env, RANK),
        intVar(env, LOCAL_RANK),
        intVar(env, WORLD_SIZE),
        intVar(env, LOCAL_WORLD_SIZE),
        channel,
        env.getOrDefault(PROC_ID, "proc"),
        env.getOrDefault(HOSTNAME, "localhost"));
  }

  private static int intVar(Map<String, String> env, String name) {
    String v = env.get(name);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(name + " must be an integer, got '" + v + "'");
    }
  }
}
