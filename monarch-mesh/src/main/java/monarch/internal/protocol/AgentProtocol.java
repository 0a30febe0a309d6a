package monarch.internal.protocol;

import java.util.List;
import monarch.internal.channel.RemoteFailure;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a client and a host agent say to each other. Commands go to the agent; events come back to
 * the ProcMesh's receiver in the client. Every record is a {@link WireMessage}, so the same
 * protocol works in-process and over Artery.
 */
public final class AgentProtocol {
  private AgentProtocol() {}

  /** Client to host agent. */
  public sealed interface Command extends WireMessage {}

  /** A host agent's notes to itself: local only, never on the wire. */
  public non-sealed interface SelfMessage
      extends Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  /**
   * Start {@code count} procs for a mesh; ranks rankOffset.. ; events go to {@code client}. With a
   * {@code logClient}, each proc gets a LogForwardActor relaying to it from the first byte on
   * (streaming as {@code streamToClient} says); without one, log forwarding is off. JVM procs run
   * on the client's {@code classpath} unless the agent has one of its own.
   */
  public record SpawnProcs(
      long requestId,
      String meshId,
      int count,
      int rankOffset,
      int worldSize,
      ActorRef<Event> client,
      ActorRef<LogClientMessage> logClient,
      boolean streamToClient,
      int level,
      ProcSpec spec,
      String classpath)
      implements Command {}

  /** set_mode's level on this host's procs; one RankReply per rank once the proc has applied it. */
  public record SetLevel(long requestId, String meshId, int level) implements Command {}

  /** Construct actor {@code name} of {@code className} on every proc of the mesh on this host. */
  public record SpawnActor(
      long requestId, String meshId, String name, String className, byte[] args)
      implements Command {}

  /** Run an endpoint on every proc of the mesh on this host; broadcast if !wantsReply. */
  public record CallActor(
      long requestId, String meshId, String actor, String endpoint, byte[] args, boolean wantsReply)
      implements Command {}

  /** Stop the mesh's procs: gracefully, then by force within a bound. */
  public record StopProcs(long requestId, String meshId) implements Command {}

  /** Stop every mesh of this agent, then the agent itself; ProcsStopped answers it. */
  public record Shutdown(long requestId, ActorRef<Event> replyTo) implements Command {}

  /** Host agent to client. */
  public sealed interface Event extends WireMessage {}

  /** A ready proc; {@code forwarder} is its LogForwardActor, null when forwarding is off. */
  public record ProcInfo(
      int rank, long pid, String hostname, ActorRef<LogForwardMessage> forwarder) {}

  /** "status 137 (killed by signal 9)": 128 + n is how a process killed by signal n exits. */
  public static String describeStatus(int status) {
    if (status > 128 && status < 128 + 65) {
      return "status " + status + " (killed by signal " + (status - 128) + ")";
    }
    return status < 0 ? "an unknown status" : "status " + status;
  }

  /** How a proc ended: its exit status and the last lines it wrote. */
  public record ProcExit(
      int rank, long pid, String hostname, int exitStatus, List<String> lastLines) {}

  public record ProcsReady(long requestId, List<ProcInfo> procs) implements Event {}

  /**
   * A request failed on this host. {@code launchStatus}: for procs that could not be launched
   * because their command cannot run, the status a shell would exit with (126, 127); else 0.
   */
  public record ProcsFailed(long requestId, String message, int launchStatus) implements Event {
    public ProcsFailed(long requestId, String message) {
      this(requestId, message, 0);
    }
  }

  /** One rank's answer to a SpawnActor or CallActor: a value (may be null) or a failure. */
  public record RankReply(long requestId, int rank, byte[] value, RemoteFailure failure)
      implements Event {}

  /** One rank cannot answer a request because its proc is gone. */
  public record RankLost(long requestId, ProcExit exit) implements Event {}

  /**
   * A proc exited without being asked to. {@code failure}: an actor host always; a proc that runs
   * to completion (a main class, an executable) only with a non-zero status.
   */
  public record ProcExited(String meshId, ProcExit exit, boolean failure) implements Event {}

  public record ProcsStopped(long requestId) implements Event {}
}
