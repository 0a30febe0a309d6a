package monarch.bench;

import monarch.bench.OutputCheck.ProducerTimes;

/**
 * One timed run of an arm: wall time, the client's peak RSS and CPU (GNU time), the 1-minute load
 * when it started, and the producers' own run times. {@code failure} is null when it exited 0 and
 * every producer reported.
 */
public record Timing(
    double wallSec,
    long peakRssKb,
    double cpuSec,
    double load1,
    ProducerTimes producers,
    String failure) {}
