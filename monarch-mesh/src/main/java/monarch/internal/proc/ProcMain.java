package monarch.internal.proc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;
import monarch.actor.Context;
import monarch.internal.channel.FrameChannel;
import monarch.internal.channel.FrameCodec;
import monarch.internal.channel.FrameException;
import monarch.internal.channel.ProcFrame;
import monarch.internal.channel.RemoteFailure;

/**
 * The light runtime of a JVM proc: dial the host agent's socket, announce the rank, host actors and
 * run their calls, and exit when the channel closes, so a proc never outlives its agent. It loads
 * no Pekko class and prints nothing to stdout: everything the proc writes there is the user's.
 */
public final class ProcMain {
  /** After a Stop or the channel's end, queued calls get this long before the proc exits. */
  static final long DRAIN_MILLIS = 2_000;

  /** If System.exit is held up (a user shutdown hook that hangs), the proc halts after this. */
  static final long EXIT_WATCHDOG_MILLIS = 3_000;

  private final ProcEnv env;
  private final FrameChannel channel;
  private final Map<String, ActorHost> actors = new HashMap<>();

  ProcMain(ProcEnv env, FrameChannel channel) {
    this.env = env;
    this.channel = channel;
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("--cds-train")) {
      CdsTraining.run();
      return;
    }
    ProcEnv env;
    FrameChannel channel;
    try {
      env = ProcEnv.fromEnvironment(System.getenv());
      SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
      socket.connect(UnixDomainSocketAddress.of(env.channel()));
      channel = new FrameChannel(socket);
      channel.write(
          new ProcFrame.Hello(env.rank(), ProcessHandle.current().pid(), FrameCodec.VERSION));
    } catch (Exception e) {
      System.err.println("monarch proc: cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    String level = System.getenv(ProcEnv.LOG_LEVEL);
    if (level != null) {
      try {
        LoggerRuntimeActor.setLevel(Integer.parseInt(level.trim())); // before any user code logs
      } catch (NumberFormatException e) {
        // only a proc started by hand can get a bad one: the agent always sets a number
      }
    }
    if (args.length >= 2 && args[0].equals("--main")) {
      runMain(args[1], java.util.Arrays.copyOfRange(args, 2, args.length), env.hostname());
    }
    int status = new ProcMain(env, channel).serve();
    exit(status);
  }

  /**
   * A Java main class as a proc: it runs beside the channel (which still serves flushes and levels)
   * and the proc exits when it returns: 0, or 1 if it threw. System.exit works as usual.
   */
  private static void runMain(String className, String[] mainArgs, String hostname) {
    Thread main =
        new Thread(
            () -> {
              int status = 0;
              try {
                Class<?> cls =
                    Class.forName(className, true, Thread.currentThread().getContextClassLoader());
                cls.getMethod("main", String[].class).invoke(null, (Object) mainArgs);
              } catch (java.lang.reflect.InvocationTargetException e) {
                e.getCause().printStackTrace();
                status = 1;
              } catch (ClassNotFoundException e) {
                System.err.println(
                    "monarch proc: "
                        + MissingClass.explain(
                            className, hostname, System.getProperty("java.class.path")));
                status = 1;
              } catch (ReflectiveOperationException e) {
                System.err.println("monarch proc: cannot run " + className + ".main: " + e);
                status = 1;
              }
              exit(status);
            },
            "main");
    main.start();
  }

  /** Serves frames until Stop or the end of the channel; returns the exit status. */
  int serve() {
    int status = 0;
    try {
      ProcFrame frame;
      while ((frame = channel.read()) != null) {
        if (frame instanceof ProcFrame.Stop) {
          break;
        }
        handle(frame);
      }
    } catch (IOException e) {
      // The agent is gone or sent garbage: either way there is no one left to serve.
      System.err.println("monarch proc " + env.rank() + ": channel failed: " + e.getMessage());
      status = 1;
    }
    for (ActorHost host : actors.values()) {
      try {
        host.drain(DRAIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return status;
  }

  private void handle(ProcFrame frame) {
    if (frame instanceof ProcFrame.SpawnActor s) {
      spawn(s);
    } else if (frame instanceof ProcFrame.Call c) {
      ActorHost host = actors.get(c.actor());
      if (host == null) {
        reply(
            ProcFrame.Reply.failed(
                c.requestId(),
                RemoteFailure.of(
                    new IllegalStateException(
                        "no actor named '" + c.actor() + "' on rank " + env.rank()))));
      } else {
        host.call(c);
      }
    } else if (frame instanceof ProcFrame.FlushStreams f) {
      // Runs here, not in an actor's mailbox, so a busy or hung endpoint cannot hold a barrier.
      System.out.flush();
      System.err.flush();
      reply(ProcFrame.Reply.ok(f.requestId(), null));
    } else if (frame instanceof ProcFrame.SetLevel l) {
      try {
        LoggerRuntimeActor.setLevel(l.level());
        reply(ProcFrame.Reply.ok(l.requestId(), null));
      } catch (RuntimeException e) {
        reply(ProcFrame.Reply.failed(l.requestId(), RemoteFailure.of(e)));
      }
    } else {
      System.err.println(
          "monarch proc "
              + env.rank()
              + ": ignoring unexpected "
              + frame.getClass().getSimpleName());
    }
  }

  private void spawn(ProcFrame.SpawnActor s) {
    if (actors.containsKey(s.name())) {
      reply(
          ProcFrame.Reply.failed(
              s.requestId(),
              RemoteFailure.of(
                  new IllegalArgumentException(
                      "an actor named '" + s.name() + "' already runs on rank " + env.rank()))));
      return;
    }
    ActorHost host = new ActorHost(s.name(), this::reply);
    actors.put(s.name(), host);
    Context context =
        new Context(
            s.name(),
            env.rank(),
            env.worldSize(),
            env.localRank(),
            env.localWorldSize(),
            env.procId(),
            env.hostname());
    host.start(s.requestId(), s.className(), s.args(), context);
  }

  private void reply(ProcFrame.Reply reply) {
    try {
      channel.write(reply);
    } catch (FrameException e) {
      // too large to send (a value only the codec's own limit lets through): the call fails
      reply(
          ProcFrame.Reply.failed(
              reply.requestId(),
              RemoteFailure.of(
                  new IllegalStateException(
                      "the reply to request "
                          + reply.requestId()
                          + " on rank "
                          + env.rank()
                          + " cannot be sent: "
                          + e.getMessage()))));
    } catch (IOException e) {
      // The channel is closing; the serve loop sees it too and the proc exits.
    }
  }

  private static void exit(int status) {
    System.out.flush();
    System.err.flush();
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(EXIT_WATCHDOG_MILLIS);
              } catch (InterruptedException ignored) {
                // exiting anyway
              }
              Runtime.getRuntime().halt(status);
            },
            "monarch-exit-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    System.exit(status);
  }
}
