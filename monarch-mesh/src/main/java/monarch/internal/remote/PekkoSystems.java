package monarch.internal.remote;

import com.typesafe.config.Config;
import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * Starts the project's ActorSystems (the client's and the host agents') with a class loader that
 * lists no jar manifests. At start a system reads every {@code META-INF/MANIFEST.MF} on its class
 * path to warn of mixed Pekko versions; with BouncyCastle's signed jars on the class path (for the
 * TLS keys) opening them verifies their signatures, which took 0.45-0.52 s of a command's start
 * here (30 manifests; 70-90 ms without the 3 signed jars). Our jars come from one build, so the
 * check can say nothing. Classes and every other resource come from the usual loader.
 */
public final class PekkoSystems {
  private static final String MANIFEST = "META-INF/MANIFEST.MF";

  private PekkoSystems() {}

  public static <T> ActorSystem<T> create(Behavior<T> guardian, String name, Config config) {
    ClassLoader loader = new NoManifests(PekkoSystems.class.getClassLoader());
    return ActorSystem.create(
        guardian, name, BootstrapSetup.create(config).withClassloader(loader));
  }

  /** Delegates everything to its parent, but finds no manifests. */
  private static final class NoManifests extends ClassLoader {
    static {
      registerAsParallelCapable();
    }

    NoManifests(ClassLoader parent) {
      super("monarch-pekko", parent);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      return MANIFEST.equals(name) ? Collections.emptyEnumeration() : super.getResources(name);
    }
  }
}
