package io.eventgateway.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.event.Event;
import io.eventgateway.event.NewEvent;
import io.eventgateway.log.EventLog;
import io.eventgateway.server.GatewayServer;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.WsTestClient;
import io.eventgateway.topic.Topic;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An accepted event the gateway cannot encode (a bug: only code inside the gateway can put such data in an event)
 * is never lost silently (PROTOCOL.md section 7 point 3): live subscribers get it announced as dropped, the rest of
 * its batch is delivered, and a connection that fails on it anyway is closed 1011 (section 6), not cut.
 */
class UndeliverableEventIT extends GatewayTestSupport {

    /** A value whose serialization fails: Jackson calls the getter and it throws. */
    public static final class Unwritable {
        public String getValue() {
            throw new IllegalStateException("this value cannot be written");
        }
    }

    private final EventLog log = EventLog.inMemory(Clock.systemUTC(), 1000, Duration.ofDays(1),
        Duration.ofMinutes(5));

    private static NewEvent event(String topic, int i) {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("i", i);
        return new NewEvent(Topic.parse(topic), "test.tick", data);
    }

    private static NewEvent unencodable(String topic) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.putPOJO("broken", new Unwritable());
        return new NewEvent(Topic.parse(topic), "test.broken", data);
    }

    private List<Event> append(NewEvent... events) {
        return log.append(List.of(events)).block(Duration.ofSeconds(10));
    }

    @Test
    void liveSubscribersAreToldOfTheDropAndGetTheRestOfTheBatch() {
        start(GatewayServer.builder(TEST_CONFIG).eventLog(log));
        try (WsTestClient a = ws(); WsTestClient b = ws()) {
            a.connected();
            b.connected();
            a.subscribe("{\"topics\":[\"task:*\"]}");
            b.subscribe("{\"topics\":[\"task:T-1\",\"task:*\"]}");

            List<Event> batch = append(event("task:T-1", 1), unencodable("task:T-1"), event("task:T-1", 3));
            long broken = batch.get(1).seq();

            for (WsTestClient client : List.of(a, b)) {
                JsonNode first = client.expect("event");
                assertThat(first.at("/payload/seq").asLong()).isEqualTo(batch.get(0).seq());
                JsonNode overflow = client.expect("overflow");
                assertThat(overflow.at("/payload/dropped").asLong()).as(overflow.toString()).isEqualTo(1);
                assertThat(overflow.at("/payload/firstDroppedSeq").asLong()).isEqualTo(broken);
                assertThat(overflow.at("/payload/lastDroppedSeq").asLong()).isEqualTo(broken);
                JsonNode third = client.expect("event");
                assertThat(third.at("/payload/seq").asLong()).isEqualTo(batch.get(2).seq());
                assertThat(third.at("/payload/data/i").asInt()).isEqualTo(3);
            }

            // The connections stay open and keep receiving.
            long later = publish("task:T-2", "test.tick", "{\"i\":4}");
            assertThat(a.expect("event").at("/payload/seq").asLong()).isEqualTo(later);
            assertThat(b.expect("event").at("/payload/seq").asLong()).isEqualTo(later);
            assertThat(http("GET", "/api/status", null, null).json().at("/events/dropped").asLong())
                .isEqualTo(2);
        }
    }

    @Test
    void aConnectionThatFailsOnAnEventIsClosed1011AndTheGatewayServesTheNextOne() {
        start(GatewayServer.builder(TEST_CONFIG).eventLog(log));
        List<Event> before = append(event("task:T-1", 1), unencodable("task:T-1"));

        // A replay hands the event itself to the connection, whose frame encoding fails: a bug in this
        // connection's path, which ends it with a close frame saying so.
        try (WsTestClient replaying = ws()) {
            replaying.connected();
            replaying.send("{\"type\":\"subscribe\",\"id\":\"r\",\"payload\":{\"topics\":[\"task:*\"],\"since\":"
                + (before.get(0).seq() - 1) + "}}");
            assertThat(replaying.expect("subscribed").get("id").asText()).isEqualTo("r");
            assertThat(replaying.expect("event").at("/payload/seq").asLong()).isEqualTo(before.get(0).seq());
            WebSocketCloseStatus status = replaying.closeStatus();
            assertThat(status).as(replaying.state()).isNotNull();
            assertThat(status.code()).isEqualTo(1011);
            assertThat(status.reasonText()).isEqualTo("internal error");
        }

        try (WsTestClient next = ws()) {
            next.connected();
            next.subscribe("{\"topics\":[\"task:*\"]}");
            long seq = publish("task:T-1", "test.tick", "{\"i\":2}");
            assertThat(next.expect("event").at("/payload/seq").asLong()).isEqualTo(seq);
        }
    }
}
