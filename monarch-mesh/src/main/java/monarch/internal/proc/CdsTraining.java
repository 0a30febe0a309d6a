package monarch.internal.proc;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import monarch.actor.Actor;
import monarch.actor.Context;
import monarch.actor.Endpoint;
import monarch.internal.channel.FrameChannel;
import monarch.internal.channel.ProcFrame;
import monarch.internal.channel.SocketDirectory;
import monarch.internal.channel.ValueCodec;

/**
 * The workload a JVM proc runs once, with -XX:ArchiveClassesAtExit, so the host agent can build the
 * proc's AppCDS archive: it walks the proc's start-up path (Unix socket, frame codec, actor
 * construction and a call) so those classes come pre-parsed from the archive afterwards.
 */
final class CdsTraining {
  private CdsTraining() {}

  /** A stand-in actor: constructing it and calling it loads the reflection and mailbox path. */
  public static final class WarmupActor extends Actor {
    public WarmupActor(String greeting) {}

    @Endpoint
    public int rank() {
      return context().rank();
    }
  }

  static void run() throws Exception {
    // What a proc does on its first SetLevel frame: java.util.logging's start-up comes from the
    // archive too.
    LoggerRuntimeActor.setLevel(20);
    Path dir = SocketDirectory.createAgentDirectory();
    Path sock = dir.resolve("train.sock");
    // What ProcMain does before it dials: read the environment. Archiving ProcEnv (and the JDK's
    // ProcessEnvironment) means a proc loads no class from a jar before its Hello.
    Map<String, String> env = new HashMap<>(System.getenv());
    new ProcEnv(0, 0, 1, 1, sock.toString(), "train/0", "localhost").exportTo(env);
    ProcEnv.fromEnvironment(env);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
      client.connect(UnixDomainSocketAddress.of(sock));
      try (FrameChannel procSide = new FrameChannel(client);
          FrameChannel agentSide = new FrameChannel(server.accept())) {
        procSide.write(new ProcFrame.Hello(0, ProcessHandle.current().pid(), 1));
        agentSide.read();
        BlockingQueue<ProcFrame.Reply> replies = new ArrayBlockingQueue<>(4);
        ActorHost host = new ActorHost("warmup", replies::add);
        host.start(
            1,
            WarmupActor.class.getName(),
            ValueCodec.encodeArgs("hi"),
            new Context("warmup", 0, 1, 0, 1, "train", "localhost"));
        host.call(new ProcFrame.Call(2, "warmup", "rank", ValueCodec.encodeArgs(), true));
        for (int i = 0; i < 2; i++) {
          ProcFrame.Reply reply = replies.poll(10, TimeUnit.SECONDS);
          agentSide.write(reply);
          procSide.read();
        }
        host.drain(1000);
        agentSide.write(new ProcFrame.Stop());
        procSide.read();
      }
    } finally {
      Files.deleteIfExists(sock);
      Files.deleteIfExists(dir);
    }
  }
}
