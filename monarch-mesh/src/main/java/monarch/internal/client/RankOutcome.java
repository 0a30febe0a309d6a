package monarch.internal.client;

import monarch.internal.channel.RemoteFailure;
import monarch.internal.protocol.AgentProtocol.ProcExit;

/**
 * How one rank answered a request: a value (CBOR bytes, null for void), a failure, or its death.
 */
public record RankOutcome(int rank, byte[] value, RemoteFailure failure, ProcExit lost) {
  public boolean ok() {
    return failure == null && lost == null;
  }
}
