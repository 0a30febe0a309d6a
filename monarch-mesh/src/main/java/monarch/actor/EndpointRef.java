package monarch.actor;

import java.io.Serializable;

/**
 * Method references to {@link Endpoint} methods, as ActorMesh takes them ({@code Printer::rank}).
 * They are Serializable only so that the client can read the method's name from the lambda; the
 * lambda itself never crosses the wire, and is never invoked on the client (hence "throws
 * Exception": an endpoint may declare checked exceptions). {@code ValueN} return a result, {@code
 * VoidN} do not; N is the number of endpoint arguments.
 */
public final class EndpointRef {
  private EndpointRef() {}

  @FunctionalInterface
  public interface Value0<A, R> extends Serializable {
    R apply(A actor) throws Exception;
  }

  @FunctionalInterface
  public interface Value1<A, T1, R> extends Serializable {
    R apply(A actor, T1 a1) throws Exception;
  }

  @FunctionalInterface
  public interface Value2<A, T1, T2, R> extends Serializable {
    R apply(A actor, T1 a1, T2 a2) throws Exception;
  }

  @FunctionalInterface
  public interface Value3<A, T1, T2, T3, R> extends Serializable {
    R apply(A actor, T1 a1, T2 a2, T3 a3) throws Exception;
  }

  @FunctionalInterface
  public interface Void0<A> extends Serializable {
    void apply(A actor) throws Exception;
  }

  @FunctionalInterface
  public interface Void1<A, T1> extends Serializable {
    void apply(A actor, T1 a1) throws Exception;
  }

  @FunctionalInterface
  public interface Void2<A, T1, T2> extends Serializable {
    void apply(A actor, T1 a1, T2 a2) throws Exception;
  }

  @FunctionalInterface
  public interface Void3<A, T1, T2, T3> extends Serializable {
    void apply(A actor, T1 a1, T2 a2, T3 a3) throws Exception;
  }
}
