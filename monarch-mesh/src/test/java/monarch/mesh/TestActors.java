package monarch.mesh;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import monarch.actor.Actor;
import monarch.actor.Endpoint;

/** Actors the mesh tests spawn in real procs. */
public final class TestActors {
  private TestActors() {}

  public record Point(int x, int y) {}

  public static class Worker extends Actor {
    private String value = "unset";
    private final String greeting;

    public Worker() {
      this("hello");
    }

    public Worker(String greeting) {
      this.greeting = greeting;
    }

    @Endpoint
    public int rank() {
      return context().rank();
    }

    @Endpoint
    public void set(String v) {
      value = v + "@" + context().rank();
    }

    @Endpoint
    public String value() {
      return value;
    }

    @Endpoint
    public String greet(String who) {
      return greeting + " " + who + " from " + context().rank();
    }

    @Endpoint
    public int add3(int a, long b, Point p) {
      return (int) (a + b + p.x() + p.y());
    }

    @Endpoint
    public List<String> env() {
      return List.of(
          System.getenv("RANK"),
          System.getenv("LOCAL_RANK"),
          System.getenv("WORLD_SIZE"),
          System.getenv("LOCAL_WORLD_SIZE"),
          String.valueOf(System.getenv("BOOTSTRAP_LOG_CHANNEL") != null),
          context().worldSize() + "/" + context().localWorldSize());
    }

    @Endpoint
    public int failOn(int badRank) {
      if (context().rank() == badRank) {
        throw new IllegalStateException("boom on " + badRank);
      }
      return context().rank();
    }

    @Endpoint
    public int size(byte[] b) {
      return b.length;
    }

    @Endpoint
    public byte[] bytes(int n) {
      return new byte[n];
    }

    @Endpoint
    public long pid() {
      return ProcessHandle.current().pid();
    }

    @Endpoint
    public void block() throws InterruptedException {
      new CountDownLatch(1).await();
    }
  }

  /** Not an actor at all. */
  public static class NotAnActor {}

  public static class NeedsInt extends Actor {
    public NeedsInt(int n) {}
  }

  public static class ThrowsInCtor extends Actor {
    public ThrowsInCtor() {
      throw new IllegalArgumentException("bad config on " + context().rank());
    }
  }
}
