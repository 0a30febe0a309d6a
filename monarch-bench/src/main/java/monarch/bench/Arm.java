package monarch.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import monarch.bench.OutputCheck.Format;

/**
 * The end-to-end benchmark's arms: what each one runs to put the producers' output through one
 * client, and in which format that client writes it. mpirun has no aggregation, so its one row
 * stands for both monarch rows. WARM is the library in a client JVM that ran the workload before
 * ({@link WarmClient}): the data path without the JVM's start-up and warm-up. Owns the command
 * lines; never runs or times them ({@link ArmRunner} does).
 */
public enum Arm {
  MONARCH_OFF("monarch run --aggregate off", "monarch client JVM", Format.MONARCH_LINES),
  MONARCH_AGGREGATE("monarch run --aggregate %d", "monarch client JVM", Format.MONARCH_AGGREGATED),
  MPIRUN("mpirun --tag-output", "mpirun", Format.MPIRUN_TAGGED),
  RAW("raw pipe into cat", "cat", Format.RAW),
  WARM(
      "monarch, warm client JVM (last of " + Arm.WARM_ROUNDS + " runs, no aggregation)",
      "warm client JVM",
      Format.MONARCH_LINES);

  /** Runs of the workload in the warm-client JVM; the last one is measured. */
  static final int WARM_ROUNDS = 10;

  private final String label;

  /** The process whose peak RSS and CPU the report gives. */
  final String client;

  final Format format;

  Arm(String label, String client, Format format) {
    this.label = label;
    this.client = client;
    this.format = format;
  }

  String label(E2eOptions o) {
    return String.format(label, o.aggregateSec());
  }

  /**
   * The arm's command, with {@code lines} per producer. {@code wrapClient} (GNU time, in timed
   * runs) goes in front of the client, and then the client's stdout goes to /dev/null inside the
   * RAW arm's shell, as the wrapper must see {@code cat} itself.
   */
  List<String> command(E2eOptions o, Path producer, long lines, List<String> wrapClient) {
    String n = Long.toString(lines);
    List<String> cmd = new ArrayList<>();
    switch (this) {
      case MONARCH_OFF, MONARCH_AGGREGATE -> {
        cmd.addAll(wrapClient);
        if (o.cliFromClasspath()) {
          cmd.addAll(ChildProcesses.javaMain("monarch.cli.MonarchCli"));
        } else if (o.cliJar().equals(E2eOptions.defaultCliJar(o.root()))) {
          cmd.add(
              o.root()
                  .resolve("bin/monarch")
                  .toString()); // as users run it (with its AppCDS archive)
        } else {
          cmd.addAll(List.of(ChildProcesses.javaBinary(), "-jar", o.cliJar().toString()));
        }
        cmd.addAll(
            List.of(
                "run",
                "-n",
                Integer.toString(o.ranks()),
                "--aggregate",
                this == MONARCH_OFF ? "off" : Integer.toString(o.aggregateSec()),
                "--",
                producer.toString(),
                n));
      }
      case MPIRUN -> {
        cmd.addAll(wrapClient);
        cmd.add("mpirun");
        if (Machine.isRoot()) {
          cmd.add("--allow-run-as-root"); // Open MPI refuses root without it
        }
        // --oversubscribe: 4 ranks on 2 cores; --bind-to none: scheduled like the other arms'
        // producers; the MCA settings keep mpirun's bootstrap on loopback (the producer never
        // calls MPI_Init, so no byte transport is used at all)
        cmd.addAll(
            List.of(
                "--oversubscribe",
                "--bind-to",
                "none",
                "--tag-output",
                "--mca",
                "oob_tcp_if_include",
                "lo",
                "--mca",
                "btl",
                "self",
                "-np",
                Integer.toString(o.ranks()),
                producer.toString(),
                n));
      }
      case WARM -> {
        cmd.addAll(wrapClient);
        // with the heap bin/monarch gives the client, so that its RSS compares with theirs
        cmd.addAll(
            ChildProcesses.javaMain(
                List.of("-XX:+UseSerialGC", "-Xmx2g", "-XX:MaxNewSize=32m"),
                WarmClient.class.getName(),
                Integer.toString(o.ranks()),
                n,
                Integer.toString(WARM_ROUNDS),
                producer.toString()));
      }
      case RAW -> {
        // every producer started at once, their statuses collected; pipefail so a failed
        // producer fails the arm
        StringBuilder sh = new StringBuilder("set -o pipefail; ( pids=; ");
        for (int r = 0; r < o.ranks(); r++) {
          sh.append("RANK=")
              .append(r)
              .append(' ')
              .append(shellWord(producer.toString()))
              .append(' ')
              .append(n)
              .append(" & pids=\"$pids $!\"; ");
        }
        sh.append("s=0; for p in $pids; do wait $p || s=1; done; exit $s ) | ");
        sh.append(
            wrapClient.isEmpty()
                ? "cat"
                : String.join(" ", wrapClient.stream().map(Arm::shellWord).toList())
                    + " cat > /dev/null");
        cmd.addAll(List.of("bash", "-c", sh.toString()));
      }
    }
    return cmd;
  }

  /** The command as the report shows it: relative paths, no GNU time. */
  List<String> displayCommand(E2eOptions o, Path producer) {
    List<String> cmd = new ArrayList<>(command(o, producer, o.lines(), List.of()));
    String cp = System.getProperty("java.class.path");
    String java = ChildProcesses.javaBinary();
    cmd.replaceAll(
        s -> s.replace(cp, "<class path>").replace(java, "java").replace(o.root() + "/", ""));
    if (this == RAW) {
      cmd.set(cmd.size() - 1, quote(cmd.get(cmd.size() - 1) + " > /dev/null"));
    }
    return cmd;
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** s as one shell word: as it is when it is plain, else quoted. */
  private static String shellWord(String s) {
    return s.matches("[A-Za-z0-9_./:=+-]+") ? s : quote(s);
  }
}
