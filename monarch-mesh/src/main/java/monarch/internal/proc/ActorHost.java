package monarch.internal.proc;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import monarch.actor.Actor;
import monarch.actor.Context;
import monarch.internal.channel.ProcFrame;
import monarch.internal.channel.RemoteFailure;
import monarch.internal.channel.ValueCodec;

/**
 * One actor instance in a proc and its mailbox: a single thread that constructs the actor and then
 * runs its calls one at a time, in arrival order. It never reads the channel; replies go out
 * through the {@link ReplySink}. The mailbox is unbounded in count, but what can be in it is
 * bounded by what the client has in flight (a blocking call per caller, or broadcasts).
 */
final class ActorHost {
  interface ReplySink {
    void reply(ProcFrame.Reply reply);
  }

  private final String name;
  private final ReplySink replies;
  private final ExecutorService mailbox;
  private volatile Object instance;
  private volatile RemoteFailure startFailure;

  ActorHost(String name, ReplySink replies) {
    this.name = name;
    this.replies = replies;
    this.mailbox =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "actor-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  /** Queues construction; its outcome is the reply to {@code requestId}. */
  void start(long requestId, String className, byte[] args, Context context) {
    mailbox.execute(
        () -> {
          try {
            instance = construct(className, args, context);
            replies.reply(ProcFrame.Reply.ok(requestId, null));
          } catch (Throwable t) {
            Throwable cause = unwrap(t);
            startFailure = RemoteFailure.of(cause);
            replies.reply(ProcFrame.Reply.failed(requestId, startFailure));
          }
        });
  }

  private static Object construct(String className, byte[] args, Context context) throws Exception {
    Class<?> cls;
    try {
      cls = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ClassNotFoundException(
          MissingClass.explain(
              className, context.hostname(), System.getProperty("java.class.path")));
    }
    EndpointTable.of(cls);
    int arity = ValueCodec.argCount(args);
    Exception last = null;
    for (Constructor<?> c : Constructors.withArity(cls, arity)) {
      Object[] values;
      try {
        values = ValueCodec.decodeArgs(args, c.getGenericParameterTypes());
      } catch (Exception e) {
        last = e;
        continue;
      }
      return Actor.createWith(context, () -> c.newInstance(values));
    }
    throw new IllegalArgumentException(
        "no public constructor of "
            + className
            + " takes "
            + arity
            + " argument(s) of the given types"
            + (last == null ? "" : " (" + last.getMessage() + ")"));
  }

  void call(ProcFrame.Call call) {
    mailbox.execute(
        () -> {
          ProcFrame.Reply reply;
          try {
            reply = ProcFrame.Reply.ok(call.requestId(), invoke(call));
          } catch (Throwable t) {
            reply = ProcFrame.Reply.failed(call.requestId(), RemoteFailure.of(unwrap(t)));
          }
          if (call.wantsReply() || reply.failure() != null) {
            replies.reply(reply);
          }
        });
  }

  private byte[] invoke(ProcFrame.Call call) throws Throwable {
    Object target = instance;
    if (target == null) {
      RemoteFailure f = startFailure;
      throw new IllegalStateException(
          "actor '" + name + "' failed to start" + (f == null ? "" : ": " + f.summary()));
    }
    Method m = EndpointTable.of(target.getClass()).endpoint(call.endpoint());
    Object[] args = ValueCodec.decodeArgs(call.args(), m.getGenericParameterTypes());
    if (args == null) {
      throw new IllegalArgumentException(
          "endpoint " + call.endpoint() + " takes " + m.getParameterCount() + " argument(s)");
    }
    Object result = m.invoke(target, args);
    return m.getReturnType() == void.class ? null : ValueCodec.encodeValue(result);
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof InvocationTargetException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Lets queued calls finish, for at most {@code millis}. */
  void drain(long millis) throws InterruptedException {
    mailbox.shutdown();
    mailbox.awaitTermination(millis, TimeUnit.MILLISECONDS);
  }
}
