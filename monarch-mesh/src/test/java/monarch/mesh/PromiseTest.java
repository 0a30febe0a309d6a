package monarch.mesh;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import monarch.internal.client.ClientRuntime;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.Test;

/**
 * The one-shot reply actors behind setMode, flush and teardown, on the client's real
 * ActorSystem: an answered one completes its future and stops; one whose answer never comes (its
 * client actor stopped meanwhile) stops once its caller has given up, instead of living forever.
 */
class PromiseTest {

  @Test
  void anAnsweredPromiseCompletesItsFutureAndStops() {
    CompletableFuture<String> f = new CompletableFuture<>();
    ActorRef<String> p = LoggingMeshClient.promise(f, ofSeconds(30));
    p.tell("answer");
    assertThat(f.join()).isEqualTo("answer");
    await().atMost(ofSeconds(5)).until(() -> !alive(p));
  }

  @Test
  void anUnansweredPromiseStopsAfterItsLifetime() {
    CompletableFuture<String> f = new CompletableFuture<>();
    ActorRef<String> p = LoggingMeshClient.promise(f, Duration.ofMillis(300));
    assertThat(alive(p)).isTrue();
    await().atMost(ofSeconds(5)).until(() -> !alive(p));
    assertThat(f).isNotDone(); // its caller's own timeout decides what the caller sees
  }

  private static boolean alive(ActorRef<?> ref) {
    CompletionStage<org.apache.pekko.actor.ActorRef> found = Adapter.toClassic(ClientRuntime.system())
        .actorSelection(ref.path()).resolveOne(Duration.ofSeconds(2));
    try {
      found.toCompletableFuture().join();
      return true;
    } catch (RuntimeException notFound) {
      return false;
    }
  }
}
