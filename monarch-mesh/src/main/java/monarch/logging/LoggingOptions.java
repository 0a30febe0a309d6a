package monarch.logging;

/**
 * How a ProcMesh's output reaches the client: streamed or not, aggregated over a window of {@code
 * aggregateWindowSec} seconds (null: every line printed as it comes) by the rule {@code similarity}
 * (null: the one in force, at first MonarchConfig's {@code aggregateRule}, TEMPLATE unless set),
 * and the procs' log level (Python's numbers, 0..255). A window while streaming is off is an error,
 * as in the seeds.
 */
public record LoggingOptions(
    boolean streamToClient, Integer aggregateWindowSec, int level, Similarity similarity) {
  /** Options that keep the aggregation rule in force. */
  public LoggingOptions(boolean streamToClient, Integer aggregateWindowSec, int level) {
    this(streamToClient, aggregateWindowSec, level, null);
  }

  public LoggingOptions {
    if (aggregateWindowSec != null && !streamToClient) {
      throw new IllegalArgumentException(
          "aggregateWindowSec ("
              + aggregateWindowSec
              + ") needs streamToClient=true: there is nothing to aggregate when lines are not streamed");
    }
    if (aggregateWindowSec != null && aggregateWindowSec < 1) {
      throw new IllegalArgumentException(
          "aggregateWindowSec must be at least 1 (or null for no aggregation), got "
              + aggregateWindowSec);
    }
    LogLevel.check(level);
  }

  /** Streaming on, a 3 s window, INFO: what a ProcMesh starts with. */
  public static LoggingOptions defaults() {
    return new LoggingOptions(true, 3, LogLevel.INFO.value());
  }

  public LoggingOptions withStreamToClient(boolean on) {
    return new LoggingOptions(on, on ? aggregateWindowSec : null, level, similarity);
  }

  public LoggingOptions withAggregateWindowSec(Integer seconds) {
    return new LoggingOptions(streamToClient, seconds, level, similarity);
  }

  public LoggingOptions withLevel(int level) {
    return new LoggingOptions(streamToClient, aggregateWindowSec, level, similarity);
  }

  /** How aggregation groups lines from now on (null: keep the rule in force). */
  public LoggingOptions withSimilarity(Similarity rule) {
    return new LoggingOptions(streamToClient, aggregateWindowSec, level, rule);
  }

  public LoggingOptions withLevel(LogLevel level) {
    return withLevel(level.value());
  }
}
