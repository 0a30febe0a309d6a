package monarch.internal.client;

import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import monarch.internal.proc.EndpointTable;

/**
 * Reads which endpoint a method reference such as {@code Printer::rank} names. The lambda's
 * SerializedLambda gives the method's name and class; the client keeps the Method to learn the
 * result type, and only the name crosses the wire. Cached per lambda class.
 */
public final class EndpointRefs {
  private static final ClassValue<SerializedLambda> LAMBDAS =
      new ClassValue<>() {
        @Override
        protected SerializedLambda computeValue(Class<?> type) {
          try {
            Method writeReplace = type.getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            return (SerializedLambda) writeReplace.invoke(INSTANCES.get());
          } catch (ReflectiveOperationException | ClassCastException e) {
            return null;
          }
        }
      };

  /** ClassValue computes from a class; this hands it the instance being resolved. */
  private static final ThreadLocal<Object> INSTANCES = new ThreadLocal<>();

  private EndpointRefs() {}

  /** The @Endpoint method {@code ref} refers to, checked against the mesh's actor class. */
  public static Method resolve(Serializable ref, Class<?> actorClass) {
    SerializedLambda lambda;
    INSTANCES.set(ref);
    try {
      lambda = LAMBDAS.get(ref.getClass());
    } finally {
      INSTANCES.remove();
    }
    if (lambda == null
        || lambda.getImplMethodName().startsWith("lambda$")
        || (lambda.getImplMethodKind() != MethodHandleInfo.REF_invokeVirtual
            && lambda.getImplMethodKind() != MethodHandleInfo.REF_invokeInterface)) {
      throw new IllegalArgumentException(
          "pass a method reference to an @Endpoint method, such as "
              + actorClass.getSimpleName()
              + "::myEndpoint; a lambda or a static method cannot be called remotely");
    }
    return EndpointTable.of(actorClass).endpoint(lambda.getImplMethodName());
  }
}
