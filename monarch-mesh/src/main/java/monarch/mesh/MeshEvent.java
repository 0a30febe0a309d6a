package monarch.mesh;

import monarch.logging.OutputTarget;

/**
 * What happened to a mesh's procs, as its client learns it, in that order. A rank that ends by
 * itself gets exactly one end event: {@link ProcExited} when that is success (a command that
 * returned 0), {@link ProcFailed} otherwise. Procs that {@link ProcMesh#stop()} ends get none.
 * Delivered to the mesh's {@link MeshListener}.
 */
public sealed interface MeshEvent {

  /** Rank {@code rank} is running (pid {@code pid} on {@code hostname}) and ready. */
  record ProcStarted(int rank, long pid, String hostname) implements MeshEvent {}

  /** Rank {@code rank} ran to completion: its command returned 0. */
  record ProcExited(int rank, long pid, String hostname, int exitStatus) implements MeshEvent {}

  /** A rank ended without being asked to, as {@code failure} says; with its last lines. */
  record ProcFailed(ProcFailure failure) implements MeshEvent {}

  /**
   * This client's own {@code target} stream failed (its reader closed the pipe, a full disk): from
   * now on the procs' lines for it are dropped and counted ({@link ProcMesh#undeliveredLines()}),
   * so the procs are not held up. A launcher stops the job.
   */
  record OutputFailed(OutputTarget target) implements MeshEvent {}

  /**
   * A barrier ended without every rank, as {@code error} says. {@code atStop}: the one that stop()
   * runs, which nobody else hears of; otherwise the caller of flush() got {@code error} too.
   */
  record FlushIncomplete(FlushIncompleteException error, boolean atStop) implements MeshEvent {}
}
