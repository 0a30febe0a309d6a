package monarch.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import monarch.internal.channel.RemoteFailure;
import monarch.internal.client.ClientRuntime;
import monarch.internal.protocol.AgentProtocol.Event;
import monarch.logging.OutputTarget;
import monarch.logging.Similarity;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.Test;

/**
 * Every client/agent message goes through Pekko's Jackson CBOR serializer and comes back equal, as
 * it must to cross Artery; Java serialization is off.
 */
class WireProtocolTest {

  @Test
  void everyMessageRoundTripsThroughJacksonCbor() throws Exception {
    ActorSystem<Void> system = ClientRuntime.system();
    assertThat(system.settings().config().getBoolean("pekko.actor.allow-java-serialization"))
        .isFalse();
    ActorRef<Event> ref =
        system.systemActorOf(Behaviors.<Event>ignore(), "wire-test", Props.empty());
    ActorRef<LogClientMessage> logClient =
        system.systemActorOf(
            Behaviors.<LogClientMessage>ignore(), "wire-test-client", Props.empty());
    ActorRef<LogForwardMessage> fwd =
        system.systemActorOf(Behaviors.<LogForwardMessage>ignore(), "wire-test-fwd", Props.empty());
    ActorRef<LogClientMessage.FlushDone> done =
        system.systemActorOf(
            Behaviors.<LogClientMessage.FlushDone>ignore(), "wire-test-done", Props.empty());
    ActorRef<LogClientMessage.ModeSet> modeSet =
        system.systemActorOf(
            Behaviors.<LogClientMessage.ModeSet>ignore(), "wire-test-mode", Props.empty());
    ActorRef<LogClientMessage.Drained> drained =
        system.systemActorOf(
            Behaviors.<LogClientMessage.Drained>ignore(), "wire-test-drained", Props.empty());
    AgentProtocol.ProcExit exit = new AgentProtocol.ProcExit(1, 2, "h", 137, List.of("a", "b"));
    List<Object> messages =
        List.of(
            new AgentProtocol.SpawnProcs(
                1,
                "m1",
                4,
                0,
                4,
                ref,
                logClient,
                true,
                20,
                new ProcSpec.Executable(List.of("sh", "-c", "true")),
                null),
            new AgentProtocol.SpawnProcs(
                1,
                "m1",
                4,
                0,
                4,
                ref,
                null,
                false,
                20,
                new ProcSpec.JavaMain("a.B", List.of("x")),
                "/a.jar:/b"),
            new AgentProtocol.SpawnProcs(
                1, "m1", 4, 0, 4, ref, logClient, true, 20, new ProcSpec.ActorHost(), "/a.jar"),
            new AgentProtocol.SetLevel(11, "m1", 40),
            new AgentProtocol.SpawnActor(2, "m1", "w", "x.Y", new byte[] {1, 2}),
            new AgentProtocol.CallActor(3, "m1", "w", "rank", new byte[] {3}, true),
            new AgentProtocol.StopProcs(4, "m1"),
            new AgentProtocol.Shutdown(5, ref),
            new AgentProtocol.ProcsReady(6, List.of(new AgentProtocol.ProcInfo(0, 10, "h", fwd))),
            new AgentProtocol.ProcsFailed(7, "why", 127),
            new AgentProtocol.RankReply(8, 2, null, new RemoteFailure("T", "m", "s")),
            new AgentProtocol.RankLost(9, exit),
            new AgentProtocol.ProcExited("m1", exit, true),
            new AgentProtocol.ProcsStopped(10),
            new LogForwardMessage.SetMode(true),
            new LogForwardMessage.ForceSyncFlush(3, true),
            new LogForwardMessage.Ack(2),
            new LogForwardMessage.Stop(),
            new LogClientMessage.Log(
                "h", 10, 0, OutputTarget.STDOUT, new byte[] {'b', '\n'}, 1, fwd),
            new LogClientMessage.FlushAck(3, 1, false),
            new LogClientMessage.Heartbeat(1),
            new LogClientMessage.Attach(List.of(fwd, fwd)),
            new LogClientMessage.Flush(List.of(0, 1), 1000, true, done),
            new LogClientMessage.FlushDone(3, List.of(1), List.of(2)),
            new LogClientMessage.SetMode(true, null, null, List.of(0), 3000, modeSet),
            new LogClientMessage.SetMode(
                false, 3, Similarity.LEVENSHTEIN, List.of(0, 1), 3000, modeSet),
            new LogClientMessage.ModeSet(List.of(1)),
            new LogClientMessage.StreamsEnded(1),
            new LogClientMessage.Drain(List.of(0), 100, drained),
            new LogClientMessage.Drained(List.of()),
            new LogClientMessage.Shutdown());
    var serialization = SerializationExtension.get(system);
    for (Object m : messages) {
      var serializer = serialization.findSerializerFor(m);
      assertThat(serializer)
          .as(m.getClass().getSimpleName())
          .isInstanceOf(JacksonCborSerializer.class);
      byte[] bytes = serialization.serialize(m).get();
      Object back =
          serialization
              .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, m))
              .get();
      assertThat(back).usingRecursiveComparison().isEqualTo(m);
    }
  }
}
