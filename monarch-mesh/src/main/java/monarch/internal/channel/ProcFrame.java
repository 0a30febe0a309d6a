package monarch.internal.channel;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The proc channel's protocol: what a host agent and one of its procs say to each other over the
 * proc's Unix socket. Arguments and results travel as opaque CBOR bytes: only the proc, which knows
 * the endpoint's parameter types, decodes arguments; only the client decodes results.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ProcFrame.Hello.class, name = "hello"),
  @JsonSubTypes.Type(value = ProcFrame.SpawnActor.class, name = "spawn"),
  @JsonSubTypes.Type(value = ProcFrame.Call.class, name = "call"),
  @JsonSubTypes.Type(value = ProcFrame.Reply.class, name = "reply"),
  @JsonSubTypes.Type(value = ProcFrame.Stop.class, name = "stop"),
  @JsonSubTypes.Type(value = ProcFrame.FlushStreams.class, name = "flush"),
  @JsonSubTypes.Type(value = ProcFrame.SetLevel.class, name = "level"),
})
public sealed interface ProcFrame {

  /** Proc to agent, first frame: the proc is up and ready for work. */
  record Hello(int rank, long pid, int protocolVersion) implements ProcFrame {}

  /** Agent to proc: construct {@code className} with the CBOR-encoded array {@code args}. */
  record SpawnActor(long requestId, String name, String className, byte[] args)
      implements ProcFrame {}

  /** Agent to proc: run an endpoint. A call with {@code wantsReply == false} is a broadcast. */
  record Call(long requestId, String actor, String endpoint, byte[] args, boolean wantsReply)
      implements ProcFrame {}

  /** Proc to agent: the outcome of a SpawnActor or a Call; exactly one of value/failure is set. */
  record Reply(long requestId, byte[] value, RemoteFailure failure) implements ProcFrame {
    public static Reply ok(long requestId, byte[] value) {
      return new Reply(requestId, value, null);
    }

    public static Reply failed(long requestId, RemoteFailure failure) {
      return new Reply(requestId, null, failure);
    }
  }

  /** Agent to proc: flush System.out and System.err now (the first step of a barrier). */
  record FlushStreams(long requestId) implements ProcFrame {}

  /** Agent to proc: set the root level of the proc's logging backends (Python's numbers). */
  record SetLevel(long requestId, int level) implements ProcFrame {}

  /** Agent to proc: finish what is running, flush stdout/stderr and exit 0. */
  record Stop() implements ProcFrame {}
}
