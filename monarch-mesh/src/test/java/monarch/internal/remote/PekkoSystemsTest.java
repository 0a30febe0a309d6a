package monarch.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/** A system started by PekkoSystems works, and its class loader shows Pekko no jar manifests. */
class PekkoSystemsTest {
  @Test
  void theSystemsLoaderFindsClassesAndResourcesButNoManifests() throws Exception {
    assertThat(Collections.list(getClass().getClassLoader().getResources("META-INF/MANIFEST.MF")))
        .as("the class path has manifests (Pekko's jars, BouncyCastle's signed ones)")
        .isNotEmpty();
    ActorSystem<Void> system =
        PekkoSystems.create(Behaviors.empty(), "pekko-systems-test", ConfigFactory.load());
    try {
      ClassLoader loader =
          ((ExtendedActorSystem) Adapter.toClassic(system)).dynamicAccess().classLoader();
      List<URL> manifests = Collections.list(loader.getResources("META-INF/MANIFEST.MF"));
      assertThat(manifests).isEmpty();
      assertThat(Collections.list(loader.getResources("reference.conf"))).isNotEmpty();
      assertThat(loader.loadClass(PekkoSystems.class.getName())).isSameAs(PekkoSystems.class);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get();
    }
  }
}
