package monarch.mesh;

import java.io.IOException;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import monarch.actor.Actor;
import monarch.actor.EndpointRef.Value0;
import monarch.actor.EndpointRef.Value1;
import monarch.actor.EndpointRef.Value2;
import monarch.actor.EndpointRef.Value3;
import monarch.actor.EndpointRef.Void0;
import monarch.actor.EndpointRef.Void1;
import monarch.actor.EndpointRef.Void2;
import monarch.actor.EndpointRef.Void3;
import monarch.internal.channel.ValueCodec;
import monarch.internal.client.EndpointRefs;
import monarch.internal.client.RankOutcome;
import monarch.internal.protocol.AgentProtocol;

/**
 * One actor on every proc of a ProcMesh. Endpoints are named by method reference ({@code
 * am.call(Printer::rank)}); only the endpoint's name and its arguments (as CBOR) cross the wire.
 * Results come back by rank (index = rank). If an endpoint throws, the call throws an {@link
 * ActorCallException} naming the rank; if a proc is gone, a {@link ProcFailedException} at once,
 * without waiting for the other ranks (which may be waiting for the lost one), so they may still be
 * running the call. Calls from one client thread reach each actor in the order they were made.
 */
public final class ActorMesh<A extends Actor> {
  private final ProcMesh mesh;
  private final String name;
  private final Class<A> actorClass;

  ActorMesh(ProcMesh mesh, String name, Class<A> actorClass) {
    this.mesh = mesh;
    this.name = name;
    this.actorClass = actorClass;
  }

  public String name() {
    return name;
  }

  public int size() {
    return mesh.size();
  }

  public Class<A> actorClass() {
    return actorClass;
  }

  /** Runs the endpoint on every rank; its results, index = rank. */
  public <R> List<R> call(Value0<A, R> endpoint) {
    return invoke(endpoint, true).await();
  }

  /** Runs the endpoint on every rank and returns when all ran it. */
  public void call(Void0<A> endpoint) {
    invoke(endpoint, false).await();
  }

  public <R> CompletableFuture<List<R>> callAsync(Value0<A, R> endpoint) {
    return invoke(endpoint, true).async();
  }

  public CompletableFuture<Void> callAsync(Void0<A> endpoint) {
    return invoke(endpoint, false).<Void>async().thenApply(r -> null);
  }

  /** Fire and forget; a failure is logged by the client. */
  public <R> void broadcast(Value0<A, R> endpoint) {
    send(endpoint);
  }

  /** Fire and forget; a failure is logged by the client. */
  public void broadcast(Void0<A> endpoint) {
    send(endpoint);
  }

  /** Runs the endpoint on every rank; its results, index = rank. */
  public <T1, R> List<R> call(Value1<A, T1, R> endpoint, T1 a1) {
    return invoke(endpoint, true, a1).await();
  }

  /** Runs the endpoint on every rank and returns when all ran it. */
  public <T1> void call(Void1<A, T1> endpoint, T1 a1) {
    invoke(endpoint, false, a1).await();
  }

  public <T1, R> CompletableFuture<List<R>> callAsync(Value1<A, T1, R> endpoint, T1 a1) {
    return invoke(endpoint, true, a1).async();
  }

  public <T1> CompletableFuture<Void> callAsync(Void1<A, T1> endpoint, T1 a1) {
    return invoke(endpoint, false, a1).<Void>async().thenApply(r -> null);
  }

  /** Fire and forget; a failure is logged by the client. */
  public <T1, R> void broadcast(Value1<A, T1, R> endpoint, T1 a1) {
    send(endpoint, a1);
  }

  /** Fire and forget; a failure is logged by the client. */
  public <T1> void broadcast(Void1<A, T1> endpoint, T1 a1) {
    send(endpoint, a1);
  }

  /** Runs the endpoint on every rank; its results, index = rank. */
  public <T1, T2, R> List<R> call(Value2<A, T1, T2, R> endpoint, T1 a1, T2 a2) {
    return invoke(endpoint, true, a1, a2).await();
  }

  /** Runs the endpoint on every rank and returns when all ran it. */
  public <T1, T2> void call(Void2<A, T1, T2> endpoint, T1 a1, T2 a2) {
    invoke(endpoint, false, a1, a2).await();
  }

  public <T1, T2, R> CompletableFuture<List<R>> callAsync(
      Value2<A, T1, T2, R> endpoint, T1 a1, T2 a2) {
    return invoke(endpoint, true, a1, a2).async();
  }

  public <T1, T2> CompletableFuture<Void> callAsync(Void2<A, T1, T2> endpoint, T1 a1, T2 a2) {
    return invoke(endpoint, false, a1, a2).<Void>async().thenApply(r -> null);
  }

  /** Fire and forget; a failure is logged by the client. */
  public <T1, T2, R> void broadcast(Value2<A, T1, T2, R> endpoint, T1 a1, T2 a2) {
    send(endpoint, a1, a2);
  }

  /** Fire and forget; a failure is logged by the client. */
  public <T1, T2> void broadcast(Void2<A, T1, T2> endpoint, T1 a1, T2 a2) {
    send(endpoint, a1, a2);
  }

  /** Runs the endpoint on every rank; its results, index = rank. */
  public <T1, T2, T3, R> List<R> call(Value3<A, T1, T2, T3, R> endpoint, T1 a1, T2 a2, T3 a3) {
    return invoke(endpoint, true, a1, a2, a3).await();
  }

  /** Runs the endpoint on every rank and returns when all ran it. */
  public <T1, T2, T3> void call(Void3<A, T1, T2, T3> endpoint, T1 a1, T2 a2, T3 a3) {
    invoke(endpoint, false, a1, a2, a3).await();
  }

  public <T1, T2, T3, R> CompletableFuture<List<R>> callAsync(
      Value3<A, T1, T2, T3, R> endpoint, T1 a1, T2 a2, T3 a3) {
    return invoke(endpoint, true, a1, a2, a3).async();
  }

  public <T1, T2, T3> CompletableFuture<Void> callAsync(
      Void3<A, T1, T2, T3> endpoint, T1 a1, T2 a2, T3 a3) {
    return invoke(endpoint, false, a1, a2, a3).<Void>async().thenApply(r -> null);
  }

  /** Fire and forget; a failure is logged by the client. */
  public <T1, T2, T3, R> void broadcast(Value3<A, T1, T2, T3, R> endpoint, T1 a1, T2 a2, T3 a3) {
    send(endpoint, a1, a2, a3);
  }

  /** Fire and forget; a failure is logged by the client. */
  public <T1, T2, T3> void broadcast(Void3<A, T1, T2, T3> endpoint, T1 a1, T2 a2, T3 a3) {
    send(endpoint, a1, a2, a3);
  }

  /** A call in flight: its outcomes arrive on the client's receiver; decode() runs elsewhere. */
  private record Pending(String what, Type resultType, CompletableFuture<RankOutcome[]> outcomes) {
    <R> List<R> await() {
      try {
        return decode(what, resultType, outcomes.join());
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : e;
      }
    }

    <R> CompletableFuture<List<R>> async() {
      return outcomes.thenApplyAsync(o -> decode(what, resultType, o));
    }
  }

  private Pending invoke(Serializable ref, boolean value, Object... args) {
    Method m = EndpointRefs.resolve(ref, actorClass);
    byte[] encoded = ValueCodec.encodeArgs(args);
    mesh.ensureRunning();
    return new Pending(
        actorClass.getSimpleName() + "." + m.getName(),
        value ? m.getGenericReturnType() : null,
        mesh.request(
            id ->
                new AgentProtocol.CallActor(id, mesh.meshId(), name, m.getName(), encoded, true)));
  }

  private void send(Serializable ref, Object... args) {
    Method m = EndpointRefs.resolve(ref, actorClass);
    byte[] encoded = ValueCodec.encodeArgs(args);
    mesh.ensureRunning();
    mesh.send(
        id -> new AgentProtocol.CallActor(id, mesh.meshId(), name, m.getName(), encoded, false));
  }

  @SuppressWarnings("unchecked")
  private static <R> List<R> decode(String what, Type resultType, RankOutcome[] outcomes) {
    throwFailures(what, outcomes);
    if (resultType == null) {
      return Collections.emptyList();
    }
    List<R> results = new ArrayList<>(outcomes.length);
    for (RankOutcome o : outcomes) {
      try {
        results.add(o.value() == null ? null : (R) ValueCodec.decodeValue(o.value(), resultType));
      } catch (IOException e) {
        throw new MeshException(
            what
                + " on rank "
                + o.rank()
                + " returned a value that cannot be read as "
                + resultType.getTypeName()
                + ": "
                + e.getMessage(),
            e);
      }
    }
    return Collections.unmodifiableList(results);
  }

  /** Throws the first rank's failure, with the other ranks' failures suppressed in it. */
  static void throwFailures(String what, RankOutcome[] outcomes) {
    MeshException first = null;
    for (RankOutcome o : outcomes) {
      MeshException e = null;
      if (o == null) {
        continue; // still busy when another rank was lost
      } else if (o.failure() != null) {
        e =
            new ActorCallException(
                what,
                o.rank(),
                o.failure().type(),
                o.failure().message(),
                o.failure().stackTrace());
      } else if (o.lost() != null) {
        e = new ProcFailedException(what + " on rank " + o.rank(), ProcMesh.toFailure(o.lost()));
      }
      if (e != null) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
