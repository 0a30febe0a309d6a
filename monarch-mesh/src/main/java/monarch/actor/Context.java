package monarch.actor;

/**
 * Where an actor runs: its name, its proc's rank in the mesh, the mesh size, its rank among the
 * procs of its host, the proc id and the hostname.
 */
public record Context(
    String actorName,
    int rank,
    int worldSize,
    int localRank,
    int localWorldSize,
    String procId,
    String hostname) {}
