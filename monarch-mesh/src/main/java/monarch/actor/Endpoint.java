package monarch.actor;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public method of an {@link Actor} as callable from the client through an ActorMesh.
 * Endpoint names are unique within an actor class: only the name crosses the wire. Arguments and
 * results must be values Jackson can write as CBOR (primitives, strings, records, lists, maps...).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Endpoint {}
