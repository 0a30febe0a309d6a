package monarch.internal.proc;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Picks the public constructor of an actor class that fits the arguments given to spawn. */
public final class Constructors {
  private Constructors() {}

  /** Client side: the constructors that accept these Java values, or a clear error. */
  public static void check(Class<?> actorClass, Object[] args) {
    if (Modifier.isAbstract(actorClass.getModifiers())) {
      throw new IllegalArgumentException(
          actorClass.getName() + " is abstract and cannot be spawned");
    }
    if (actorClass.getEnclosingClass() != null && !Modifier.isStatic(actorClass.getModifiers())) {
      throw new IllegalArgumentException(
          actorClass.getName() + " is an inner class; make it a static nested or top-level class");
    }
    for (Constructor<?> c : withArity(actorClass, args.length)) {
      if (accepts(c.getParameterTypes(), args)) {
        return;
      }
    }
    throw new IllegalArgumentException(
        "no public constructor of "
            + actorClass.getName()
            + " accepts arguments "
            + describe(args)
            + "; public constructors: "
            + describe(actorClass));
  }

  /** The public constructors with {@code arity} parameters, in declaration order. */
  static List<Constructor<?>> withArity(Class<?> actorClass, int arity) {
    List<Constructor<?>> out = new ArrayList<>();
    for (Constructor<?> c : actorClass.getConstructors()) {
      if (c.getParameterCount() == arity) {
        out.add(c);
      }
    }
    return out;
  }

  private static boolean accepts(Class<?>[] params, Object[] args) {
    for (int i = 0; i < params.length; i++) {
      Class<?> p = box(params[i]);
      if (args[i] == null ? params[i].isPrimitive() : !p.isInstance(args[i])) {
        return false;
      }
    }
    return true;
  }

  static Class<?> box(Class<?> c) {
    if (!c.isPrimitive()) return c;
    if (c == int.class) return Integer.class;
    if (c == long.class) return Long.class;
    if (c == boolean.class) return Boolean.class;
    if (c == double.class) return Double.class;
    if (c == float.class) return Float.class;
    if (c == short.class) return Short.class;
    if (c == byte.class) return Byte.class;
    if (c == char.class) return Character.class;
    return Void.class;
  }

  static String describe(Object[] args) {
    return Arrays.stream(args)
        .map(a -> a == null ? "null" : a.getClass().getSimpleName())
        .collect(Collectors.joining(", ", "(", ")"));
  }

  static String describe(Class<?> actorClass) {
    Constructor<?>[] cs = actorClass.getConstructors();
    if (cs.length == 0) {
      return "none";
    }
    return Arrays.stream(cs)
        .map(
            c ->
                Arrays.stream(c.getParameterTypes())
                    .map(Class::getSimpleName)
                    .collect(Collectors.joining(", ", "(", ")")))
        .collect(Collectors.joining(" "));
  }
}
