package io.eventgateway.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.RawSocket;
import io.eventgateway.server.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code /ws?batch=true} on a real gateway (PROTOCOL.md section 5, "batch"): the client gets every event once and in
 * order, several per {@code batch} frame when they are waiting together, a replay included; a client on the same
 * gateway that did not ask gets one frame per event; a wrong value of the parameter is refused before the upgrade.
 */
class BatchDeliveryIT extends GatewayTestSupport {

    private static final int ARRAYS = 10;
    private static final int PER_ARRAY = 100;

    /** What a batching client received: the frames, and their messages unpacked in order. */
    private record Received(int frames, List<JsonNode> messages) {
    }

    /** Reads frames until the event of {@code lastSeq}, unpacking batches; heartbeats are skipped. */
    private static Received receiveThrough(WsTestClient client, long lastSeq) {
        List<JsonNode> messages = new ArrayList<>();
        int frames = 0;
        for (;;) {
            JsonNode frame = client.next();
            String type = frame.path("type").asText();
            if (type.equals("ping")) {
                continue;
            }
            frames++;
            if (type.equals("batch")) {
                JsonNode inside = frame.at("/payload/messages");
                assertThat(inside.size()).as("a batch holds at least two messages").isGreaterThanOrEqualTo(2);
                inside.forEach(messages::add);
            } else {
                messages.add(frame);
            }
            JsonNode last = messages.get(messages.size() - 1);
            if (last.path("type").asText().equals("event") && last.at("/payload/seq").asLong() >= lastSeq) {
                return new Received(frames, messages);
            }
        }
    }

    private static List<Long> eventSeqs(List<JsonNode> messages) {
        List<Long> seqs = new ArrayList<>();
        for (JsonNode message : messages) {
            assertThat(message.path("type").asText()).as(message.toString()).isEqualTo("event");
            seqs.add(message.at("/payload/seq").asLong());
        }
        return seqs;
    }

    /** Publishes {@link #ARRAYS} arrays of {@link #PER_ARRAY} events; returns every seq in order. */
    private List<Long> publishArrays(String topic) {
        List<Long> seqs = new ArrayList<>();
        for (int a = 0; a < ARRAYS; a++) {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < PER_ARRAY; i++) {
                body.append(i == 0 ? "" : ",").append("{\"topic\":\"").append(topic)
                    .append("\",\"eventType\":\"test.tick\",\"data\":{\"i\":").append(a * PER_ARRAY + i).append("}}");
            }
            HttpAnswer answer = http("POST", "/api/events", "application/json", body.append(']').toString());
            assertThat(answer.status()).as(answer.body()).isEqualTo(202);
            answer.json().get("seqs").forEach(seq -> seqs.add(seq.asLong()));
        }
        return seqs;
    }

    @Test
    void aBatchingClientGetsEveryEventOnceInOrderInFewerFramesAndAPlainClientOneFrameEach() {
        // A write delay makes the gateway gather what arrives in 20 ms before writing: events are then sure to be
        // waiting together, as they are on a busy gateway.
        start(c -> c.withWs(c.ws().withWriteDelay(Duration.ofMillis(20))));
        try (WsTestClient batching = WsTestClient.connect(port(), "/ws?batch=true"); WsTestClient plain = ws()) {
            assertThat(batching.connected().at("/payload/batch").asBoolean()).isTrue();
            assertThat(plain.connected().at("/payload/batch").asBoolean(true)).isFalse();
            batching.subscribe("{\"topics\":[\"task:*\"]}");
            plain.subscribe("{\"topics\":[\"task:*\"]}");

            List<Long> published = publishArrays("task:T-1");
            long last = published.get(published.size() - 1);

            Received batched = receiveThrough(batching, last);
            assertThat(eventSeqs(batched.messages())).containsExactlyElementsOf(published);
            assertThat(batched.frames()).as("frames for %d events", published.size()).isLessThan(published.size() / 4);
            assertThat(batched.messages().get(0).at("/payload/data/i").asInt()).isZero();

            List<JsonNode> one = plain.framesThroughEvent(last);
            assertThat(eventSeqs(one)).containsExactlyElementsOf(published);
        }
    }

    @Test
    void aReplayAndTheLiveEventsAfterItArriveOnceAndInOrderInBatches() {
        start(c -> c.withWs(c.ws().withWriteDelay(Duration.ofMillis(20))));
        List<Long> before = publishArrays("task:T-2");
        try (WsTestClient batching = WsTestClient.connect(port(), "/ws?batch=true")) {
            batching.connected();
            batching.send("{\"type\":\"subscribe\",\"id\":\"s\",\"payload\":{\"topics\":[\"task:*\"],\"since\":0}}");
            List<Long> after = publishArrays("task:T-3");
            Received received = receiveThrough(batching, after.get(after.size() - 1));

            JsonNode subscribed = received.messages().get(0);
            assertThat(subscribed.path("type").asText()).isEqualTo("subscribed");
            assertThat(subscribed.at("/payload/recovered").asBoolean()).isTrue();
            List<Long> expected = new ArrayList<>(before);
            expected.addAll(after);
            assertThat(eventSeqs(received.messages().subList(1, received.messages().size())))
                .containsExactlyElementsOf(expected);
            assertThat(received.frames()).isLessThan(expected.size() / 4);
        }
    }

    @Test
    void aBatchParameterOtherThanTrueOrFalseIsRefusedBeforeTheUpgrade() throws Exception {
        start();
        for (String query : List.of("batch=yes", "batch=", "batch=true&batch=false")) {
            try (RawSocket socket = RawSocket.connect(port(), 1 << 16)) {
                RawSocket.Answer answer = socket.http("GET", "/ws?" + query,
                    RawSocket.upgradeHeaders("127.0.0.1:" + port()), null);
                assertThat(answer.status()).as(query).isEqualTo(400);
                JsonNode error = new ObjectMapper().readTree(answer.body());
                assertThat(error.at("/error/code").asText()).as(answer.body()).isEqualTo("BAD_REQUEST");
                assertThat(error.at("/error/message").asText()).contains("batch", "true or false");
            }
        }
        try (WsTestClient off = WsTestClient.connect(port(), "/ws?batch=false")) {
            assertThat(off.connected().at("/payload/batch").asBoolean(true)).isFalse();
        }
    }
}
