package monarch.mesh;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import monarch.internal.client.ClientRuntime;
import monarch.logging.LoggingOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ProcMesh's logging: starts it with the given options (by default streaming on, a 3 s window,
 * INFO), applies
 * loggingOption, runs flush with a timeout, and at stop flushes (bounded) and then prints what is
 * still aggregated once every proc's streams have ended.
 */
final class LoggingManager {
  private static final Logger log = LoggerFactory.getLogger(LoggingManager.class);
  static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);
  static final Duration STOP_FLUSH_TIMEOUT = Duration.ofSeconds(3);
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(3);

  private final LoggingMeshClient client;
  private final AtomicBoolean warnedNoForwarding = new AtomicBoolean();

  LoggingManager(LoggingMeshClient client) {
    this.client = client;
  }

  LoggingMeshClient client() {
    return client;
  }

  void apply(LoggingOptions options) {
    if (!client.forwarding() && options.streamToClient() && warnedNoForwarding.compareAndSet(false, true)) {
      log.warn("log forwarding is disabled (HYPERACTOR_MESH_ENABLE_LOG_FORWARDING=false): "
          + "loggingOption(streamToClient=true) has no effect; procs' output stays on their hosts");
    }
    client.setMode(options.streamToClient(), options.aggregateWindowSec(), options.level());
  }

  CompletableFuture<Void> flushAsync() {
    return client.flushAsync(FLUSH_TIMEOUT);
  }

  /**
   * Before the procs stop: a bounded barrier; a failure is reported, never thrown. Ranks whose
   * death was already reported are not reported again.
   */
  void flushBeforeStop(java.util.List<ProcFailure> reported) {
    try {
      client.flushAsync(STOP_FLUSH_TIMEOUT).join();
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      boolean known = cause instanceof FlushIncompleteException f
          && reported.stream().map(ProcFailure::rank).toList().containsAll(f.missingRanks());
      if (known || ClientRuntime.interrupted()) { // (on Ctrl-C the procs got it too)
        log.debug("flush before stop: {}", cause.getMessage());
      } else {
        log.warn("flush before stop: {}", cause.getMessage());
      }
    }
  }

  /** After the procs stopped: their last lines, then what is still aggregated, exactly once. */
  void drain() {
    client.drainAndStop(DRAIN_TIMEOUT);
  }
}
