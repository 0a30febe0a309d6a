package monarch.mesh;

/** A plain main class the tests run as a proc. */
public final class MainClassProc {
  public static void main(String[] args) {
    System.out.println("main says " + args[0] + " from " + System.getenv("RANK"));
    if (args.length > 1 && System.getenv("RANK").equals(args[1])) {
      throw new IllegalStateException("rank " + args[1] + " fails on purpose");
    }
  }
}
