package monarch.internal.proc;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import monarch.actor.Actor;
import monarch.actor.Endpoint;

/**
 * The {@link Endpoint} methods of one actor class, by name. Shared by the client (to check calls
 * and learn result types) and the proc (to invoke them); it has no Pekko dependency.
 */
public final class EndpointTable {
  private static final ClassValue<EndpointTable> CACHE =
      new ClassValue<>() {
        @Override
        protected EndpointTable computeValue(Class<?> type) {
          return new EndpointTable(type);
        }
      };

  private final Class<?> actorClass;
  private final Map<String, Method> endpoints;

  private EndpointTable(Class<?> actorClass) {
    Map<String, Method> found = new HashMap<>();
    for (Method m : actorClass.getMethods()) {
      if (!m.isAnnotationPresent(Endpoint.class)) {
        continue;
      }
      if (Modifier.isStatic(m.getModifiers())) {
        throw new IllegalArgumentException(
            "@Endpoint " + actorClass.getName() + "." + m.getName() + " must not be static");
      }
      Method previous = found.put(m.getName(), m);
      if (previous != null && !previous.equals(m) && !isBridgePair(previous, m)) {
        throw new IllegalArgumentException(
            actorClass.getName()
                + " has two @Endpoint methods named '"
                + m.getName()
                + "'; endpoint names must be unique because only the name crosses the wire");
      }
    }
    this.actorClass = actorClass;
    this.endpoints = Collections.unmodifiableMap(found);
  }

  private static boolean isBridgePair(Method a, Method b) {
    return a.isBridge() || b.isBridge();
  }

  /** The table of an Actor subclass; IllegalArgumentException if the class is not an actor. */
  public static EndpointTable of(Class<?> actorClass) {
    if (!Actor.class.isAssignableFrom(actorClass)) {
      throw new IllegalArgumentException(
          actorClass.getName() + " is not an actor: it must extend " + Actor.class.getName());
    }
    return CACHE.get(actorClass);
  }

  /** The endpoint named {@code name}, or an IllegalArgumentException naming the known ones. */
  public Method endpoint(String name) {
    Method m = endpoints.get(name);
    if (m == null) {
      throw new IllegalArgumentException(
          actorClass.getName()
              + " has no @Endpoint method named '"
              + name
              + "' (endpoints: "
              + endpoints.keySet()
              + ")");
    }
    return m;
  }
}
