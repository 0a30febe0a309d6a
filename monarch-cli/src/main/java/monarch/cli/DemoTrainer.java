package monarch.cli;

import java.util.Random;
import java.util.logging.Logger;
import monarch.actor.Actor;
import monarch.actor.Endpoint;

/**
 * The demo's workload, one per proc: a fake training loop that prints per-step metrics, repeats a
 * warning on every rank, logs through java.util.logging and now and then prints an error to stderr.
 */
public class DemoTrainer extends Actor {
  private static final Logger JUL = Logger.getLogger("trainer");
  private final Random random = new Random();
  private double loss = 2.5;

  /** Runs steps [from, to), sleeping {@code paceMs} between steps. */
  @Endpoint
  public void train(int from, int to, int paceMs) throws InterruptedException {
    int rank = context().rank();
    for (int step = from; step < to; step++) {
      loss = loss * (0.93 + 0.04 * random.nextDouble());
      System.out.printf(
          "train | epoch 1 | step %3d/40 | loss %.4f | lr 3.0e-04 | tokens/s %d | gpu mem 38.2 GiB%n",
          step, loss, 41_000 + random.nextInt(2_000));
      if (step % 5 == 4) {
        System.out.println(
            "WARNING: gradient norm clipped to 1.0 (was "
                + String.format("%.2f", 1 + random.nextDouble())
                + ")");
      }
      if (step % 7 == 3) {
        JUL.info("checkpoint shard " + rank + " saved at step " + step);
      }
      if (rank == context().worldSize() - 1 && step % 9 == 8) {
        System.err.println(
            "ERROR: NaN in gradients at step " + step + " on rank " + rank + ", skipping batch");
      }
      Thread.sleep(paceMs);
    }
  }

  /** The last words of a proc: no newline, as a crashing program might leave them. */
  @Endpoint
  public void finish() {
    System.out.print("rank " + context().rank() + " finished (this line has no newline)");
    System.out.flush();
  }
}
