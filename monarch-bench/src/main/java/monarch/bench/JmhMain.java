package monarch.bench;

/**
 * The JMH benchmarks' mains: JMH's own command line when one is given, else the one benchmark class
 * with the defaults they share (1 fork, 3 warm-up and 5 measured iterations), each iteration as
 * long as that benchmark needs to be steady. Owns only those defaults.
 */
final class JmhMain {
  private JmhMain() {}

  static void run(Class<?> benchmark, int iterationSeconds, String[] args) throws Exception {
    String s = iterationSeconds + "s";
    org.openjdk.jmh.Main.main(
        args.length > 0
            ? args
            : new String[] {
              benchmark.getSimpleName(), "-f", "1", "-wi", "3", "-i", "5", "-w", s, "-r", s
            });
  }
}
