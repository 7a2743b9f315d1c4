package io.eventgateway.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.WsTestClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The tour of the README, end to end: connect, subscribe, publish over REST and WebSocket, receive. */
class WebSocketFlowIT extends GatewayTestSupport {

    @Test
    void connectedFrameComesFirstWithTheConnectionsLimits() {
        start();
        try (WsTestClient client = ws()) {
            JsonNode connected = client.connected();
            JsonNode payload = connected.get("payload");
            assertThat(payload.get("connectionId").asText()).startsWith("c-");
            assertThat(payload.get("headSeq").asLong()).isZero();
            assertThat(payload.get("heartbeatIntervalMs").asLong()).isEqualTo(30_000);
            assertThat(payload.get("idleTimeoutMs").asLong()).isEqualTo(60_000);
            assertThat(payload.get("maxSubscriptions").asInt()).isEqualTo(50);
            assertThat(payload.get("bufferSize").asInt()).isEqualTo(1000);
            assertThat(connected.get("timestamp").asText())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        }
    }

    @Test
    void eventPublishedOverRestReachesASubscriberOfItsPattern() {
        start();
        try (WsTestClient client = ws()) {
            client.connected();
            JsonNode subscribed = client.subscribe("{\"topics\":[\"task:*\"]}");
            assertThat(subscribed.get("id").asText()).isEqualTo("s");
            assertThat(subscribed.at("/payload/topics/0").asText()).isEqualTo("task:*");
            assertThat(subscribed.at("/payload/activeSubscriptions").asInt()).isEqualTo(1);
            assertThat(subscribed.at("/payload").has("recovered")).isFalse();

            publish("stream:Stream-A", "stream.progress", "{\"p\":1}");
            long seq = publish("task:TASK-1", "task.progress", "{\"percent\":50}");

            JsonNode event = client.expect("event");
            assertThat(event.at("/payload/seq").asLong()).isEqualTo(seq);
            assertThat(event.at("/payload/topic").asText()).isEqualTo("task:TASK-1");
            assertThat(event.at("/payload/eventType").asText()).isEqualTo("task.progress");
            assertThat(event.at("/payload/data/percent").asInt()).isEqualTo(50);
            assertThat(client.poll(Duration.ofMillis(200))).isNull();
        }
    }

    @Test
    void eventsSmallAndOverTheSharedFrameLimitArriveWholeAndInOrder() {
        // Up to 16 KiB an event goes out as the loop's shared frame, above it through Netty's encoder (WireFrames).
        start();
        try (WsTestClient client = ws()) {
            client.connected();
            client.subscribe("{\"topics\":[\"task:*\"]}");
            String big = "b".repeat(40_000);
            long first = publish("task:T-1", "task.progress", "{\"pad\":\"small\"}");
            long second = publish("task:T-1", "task.progress", "{\"pad\":\"" + big + "\"}");
            long third = publish("task:T-1", "task.progress", "{\"pad\":\"small again\"}");
            JsonNode a = client.expect("event");
            JsonNode b = client.expect("event");
            JsonNode c = client.expect("event");
            assertThat(a.at("/payload/seq").asLong()).isEqualTo(first);
            assertThat(b.at("/payload/seq").asLong()).isEqualTo(second);
            assertThat(b.at("/payload/data/pad").asText()).isEqualTo(big);
            assertThat(c.at("/payload/seq").asLong()).isEqualTo(third);
            assertThat(c.at("/payload/data/pad").asText()).isEqualTo("small again");
        }
    }

    @Test
    void publishOverWebSocketIsAcknowledgedWithItsSeqAndDelivered() {
        start();
        try (WsTestClient client = ws()) {
            client.connected();
            client.subscribe("{\"topics\":[\"bot:BOT-002\"]}");
            client.send("{\"type\":\"publish\",\"id\":\"pub-7\",\"payload\":{\"topic\":\"bot:BOT-002\","
                + "\"eventType\":\"task.progress\",\"data\":{\"percent\":50}}}");
            JsonNode first = client.next();
            JsonNode second = client.next();
            JsonNode published = first.get("type").asText().equals("published") ? first : second;
            JsonNode event = published == first ? second : first;
            assertThat(published.get("id").asText()).isEqualTo("pub-7");
            assertThat(event.get("type").asText()).isEqualTo("event");
            assertThat(event.at("/payload/seq").asLong()).isEqualTo(published.at("/payload/seq").asLong());
        }
    }

    @Test
    void dataPublishedOverWebSocketIsStoredAndDeliveredAsPublished() {
        start();
        try (WsTestClient client = ws()) {
            client.connected();
            client.subscribe("{\"topics\":[\"task:*\"]}");
            String data = "{ \"price\" : 1.50, \"big\": 12345678901234567890123, \"s\": \"h\\u00e9 \\\"q\\\" }{\" }";

            client.send("{\"payload\": {\"data\": " + data + ", \"topic\": \"task:T-1\", \"eventType\": \"t.x\"},"
                + " \"type\": \"publish\", \"id\": \"p-1\"}");

            JsonNode first = client.next();
            JsonNode second = client.next();
            // The ack and the event may come in either order, as in the test above.
            JsonNode event = first.get("type").asText().equals("event") ? first : second;
            assertThat((event == first ? second : first).get("id").asText()).isEqualTo("p-1");
            assertThat(event.get("type").asText()).isEqualTo("event");
            JsonNode delivered = event.at("/payload/data");
            assertThat(delivered.get("price").decimalValue()).isEqualByComparingTo("1.5");
            assertThat(delivered.get("big").bigIntegerValue()).hasToString("12345678901234567890123");
            assertThat(delivered.get("s").textValue()).isEqualTo("h\u00e9 \"q\" }{");
            // The text as it came, spacing and number spelling included, like a REST body's (PROTOCOL.md 5).
            assertThat(http("GET", "/api/events", null, null).body()).contains("\"data\":" + data + ",");
        }
    }
}
