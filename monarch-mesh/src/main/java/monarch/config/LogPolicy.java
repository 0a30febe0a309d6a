package monarch.config;

/**
 * What a proc's output does when the client prints slower than the procs write
 * (MONARCH_LOG_POLICY).
 */
public enum LogPolicy {
  /** The procs' writes wait, as on a slow terminal; nothing is lost (the default). */
  BACKPRESSURE,
  /** Batches are dropped, counted and reported in-band as {@code [N lines dropped]}. */
  DROP
}
