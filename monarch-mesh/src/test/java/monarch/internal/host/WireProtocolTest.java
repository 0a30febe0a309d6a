package monarch.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import monarch.internal.channel.RemoteFailure;
import monarch.internal.client.ClientRuntime;
import monarch.internal.host.AgentProtocol.Event;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.Test;

/**
 * Every client/agent message goes through Pekko's Jackson CBOR serializer and comes back equal,
 * as it must to cross Artery; Java serialization is off.
 */
class WireProtocolTest {

  @Test
  void everyMessageRoundTripsThroughJacksonCbor() throws Exception {
    ActorSystem<Void> system = ClientRuntime.system();
    assertThat(system.settings().config().getBoolean("pekko.actor.allow-java-serialization")).isFalse();
    ActorRef<Event> ref = system.systemActorOf(Behaviors.<Event>ignore(), "wire-test", Props.empty());
    AgentProtocol.ProcExit exit = new AgentProtocol.ProcExit(1, 2, "h", 137, List.of("a", "b"));
    List<Object> messages = List.of(
        new AgentProtocol.SpawnProcs(1, "m1", 4, 0, 4, ref),
        new AgentProtocol.SpawnActor(2, "m1", "w", "x.Y", new byte[] {1, 2}),
        new AgentProtocol.CallActor(3, "m1", "w", "rank", new byte[] {3}, true),
        new AgentProtocol.StopProcs(4, "m1"),
        new AgentProtocol.Shutdown(5, ref),
        new AgentProtocol.ProcsReady(6, List.of(new AgentProtocol.ProcInfo(0, 10, "h"))),
        new AgentProtocol.ProcsFailed(7, "why"),
        new AgentProtocol.RankReply(8, 2, null, new RemoteFailure("T", "m", "s")),
        new AgentProtocol.RankLost(9, exit),
        new AgentProtocol.ProcExited("m1", exit),
        new AgentProtocol.ProcsStopped(10));
    var serialization = SerializationExtension.get(system);
    for (Object m : messages) {
      var serializer = serialization.findSerializerFor(m);
      assertThat(serializer).as(m.getClass().getSimpleName()).isInstanceOf(JacksonCborSerializer.class);
      byte[] bytes = serialization.serialize(m).get();
      Object back = serialization.deserialize(bytes, serializer.identifier(),
          Serializers.manifestFor(serializer, m)).get();
      assertThat(back).usingRecursiveComparison().isEqualTo(m);
    }
  }
}
