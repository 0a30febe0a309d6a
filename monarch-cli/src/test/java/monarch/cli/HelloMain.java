package monarch.cli;

/** A main class `monarch run` launches in JVM procs in the tests. */
public final class HelloMain {
  public static void main(String[] args) {
    System.out.println("main says " + String.join(" ", args) + " from " + System.getenv("RANK"));
  }
}
