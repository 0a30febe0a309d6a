package monarch.logging;

/** Which stream of a proc a line came from, and where the client prints it. */
public enum OutputTarget {
  STDOUT,
  STDERR
}
