package monarch.mesh;

/**
 * Hears a mesh's {@link MeshEvent}s, one at a time and in order, on a thread of the library's
 * (never the caller's, never while the library holds a lock). Given to {@link
 * HostMesh#spawnProcs(java.util.Map, ProcCommand, monarch.logging.LoggingOptions, MeshListener)},
 * so it hears everything from the first proc on; {@link #logging()} is the default. A listener that
 * throws is logged and keeps getting events.
 */
@FunctionalInterface
public interface MeshListener {
  void onEvent(MeshEvent event);

  /**
   * The default: a proc failure (with its last lines) and a barrier at stop that missed ranks not
   * already reported are SLF4J warnings; everything else is logged at debug.
   */
  static MeshListener logging() {
    return new LoggingListener();
  }
}
