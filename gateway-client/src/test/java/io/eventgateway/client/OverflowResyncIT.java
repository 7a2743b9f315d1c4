package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.server.GatewayServer;
import io.netty.channel.ChannelOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * PROTOCOL.md section 5 (overflow) through the client: a subscriber that requests nothing while thousands of events
 * are published makes the gateway drop and announce them; the client recovers each gap with its resync request
 * and delivers every event exactly once, in order, on the same connection.
 */
class OverflowResyncIT extends ClientTestSupport {

    private static final String PAD = "x".repeat(220);

    private void startWithASmallBuffer() {
        start(GatewayServer.builder(TEST_CONFIG.withWs(TEST_CONFIG.ws().withBufferSize(10))
                .withStore(TEST_CONFIG.store().withUrl("r2dbc:sqlite:" + dir.resolve("overflow.db"))))
            .httpServer(s -> s.childOption(ChannelOption.SO_SNDBUF, 4096)));
    }

    private GatewayClient slowClient() {
        return track(clientBuilder().bufferSize(4).pageSize(100)
            .httpClient(c -> c.option(ChannelOption.SO_RCVBUF, 4096)).build());
    }

    /** Publishes in arrays of 500; returns kind by seq, in seq order. */
    private Map<Long, String> publishAll(int count) {
        Map<Long, String> published = new LinkedHashMap<>();
        for (int from = 0; from < count; from += 500) {
            StringBuilder body = new StringBuilder("[");
            int to = Math.min(count, from + 500);
            for (int i = from; i < to; i++) {
                body.append(i == from ? "" : ",").append("{\"topic\":\"load:L-").append(i % 5)
                    .append("\",\"eventType\":\"load.tick\",\"data\":{\"kind\":\"").append(kind(i))
                    .append("\",\"pad\":\"").append(PAD).append("\"}}");
            }
            body.append(']');
            HttpAnswer answer = http("POST", "/api/events", "application/json", body.toString());
            assertThat(answer.status()).as(answer.body()).isEqualTo(202);
            JsonNode seqs = answer.json().get("seqs");
            for (int i = 0; i < seqs.size(); i++) {
                published.put(seqs.get(i).asLong(), kind(from + i));
            }
        }
        return published;
    }

    private static String kind(int i) {
        return i % 3 == 0 ? "drop" : "keep";
    }

    private long dropped() {
        return status().at("/events/dropped").asLong();
    }

    @Test
    void aStalledSubscriberGetsEveryDroppedEventBackThroughResyncInOrder() {
        startWithASmallBuffer();
        GatewayClient client = slowClient();
        List<Long> expected = new ArrayList<>();
        List<Long> received = new ArrayList<>();
        AtomicLong droppedWhileStalled = new AtomicLong();
        StepVerifier.create(client.subscribe(SubscribeSpec.of("load:*")), 0)
            .then(() -> await().atMost(WAIT).until(() -> subscribers("load:*") == 1))
            .then(() -> {
                expected.addAll(publishAll(3000).keySet());
                // Read while the stalled connection is open: the drops counted so far are its own.
                droppedWhileStalled.set(await().atMost(WAIT).until(this::dropped, d -> d > 0));
            })
            .thenRequest(Long.MAX_VALUE)
            .thenConsumeWhile(e -> {
                received.add(e.seq());
                return e.seq() < expected.get(expected.size() - 1);
            })
            .thenCancel()
            .verify(WAIT);
        assertThat(droppedWhileStalled.get()).as("the gateway dropped events for this subscriber").isPositive();
        assertThat(received).as("every event once, in order").containsExactlyElementsOf(expected);
        assertThat(status().at("/connections/total").asInt()).as("recovered by resync, not by reconnecting")
            .isEqualTo(1);
    }

    @Test
    void resyncedEventsAreFilteredLikeLiveOnes() {
        startWithASmallBuffer();
        GatewayClient client = slowClient();
        List<Long> expected = new ArrayList<>();
        List<Event> received = new ArrayList<>();
        AtomicLong droppedWhileStalled = new AtomicLong();
        StepVerifier.create(client.subscribe(SubscribeSpec.builder().patterns("load:*").filter("kind", "keep")
                .events("load.*").build()), 0)
            .then(() -> await().atMost(WAIT).until(() -> subscribers("load:*") == 1))
            .then(() -> {
                publishAll(3000).forEach((seq, kind) -> {
                    if (kind.equals("keep")) {
                        expected.add(seq);
                    }
                });
                droppedWhileStalled.set(await().atMost(WAIT).until(this::dropped, d -> d > 0));
            })
            .thenRequest(Long.MAX_VALUE)
            .thenConsumeWhile(e -> {
                received.add(e);
                return e.seq() < expected.get(expected.size() - 1);
            })
            .thenCancel()
            .verify(WAIT);
        assertThat(droppedWhileStalled.get()).isPositive();
        assertThat(received).extracting(Event::seq).containsExactlyElementsOf(expected);
        assertThat(received).allSatisfy(e -> assertThat(e.data().get("kind").asText()).isEqualTo("keep"));
    }
}
