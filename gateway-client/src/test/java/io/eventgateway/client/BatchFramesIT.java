package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.server.GatewayServer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/**
 * Batch frames (PROTOCOL.md section 5, "batch") through the client against a real gateway: every event arrives once
 * and in order through the ordinary subscription API, live, from a replay, and back from an {@code overflow}'s
 * resync. A counter below the client's own frame handling shows that the gateway did send batches.
 */
class BatchFramesIT extends ClientTestSupport {

    private static final int ARRAYS = 10;
    private static final int PER_ARRAY = 100;
    private static final String PAD = "x".repeat(220);

    /** What a client's WebSockets read, counted as the frames pass by, before the client handles them. */
    private static final class FrameCounter {
        final AtomicInteger frames = new AtomicInteger();
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger events = new AtomicInteger();
        final AtomicInteger overflows = new AtomicInteger();

        /** A handler for one connection; it counts text frames and passes every message on unchanged. */
        ChannelInboundHandlerAdapter handler() {
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof TextWebSocketFrame frame) {
                        count(frame.content().toString(StandardCharsets.UTF_8));
                    }
                    ctx.fireChannelRead(msg);
                }
            };
        }

        private void count(String text) {
            JsonNode frame;
            try {
                frame = Wire.JSON.readTree(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            frames.incrementAndGet();
            if (frame.path("type").asText().equals("batch")) {
                batches.incrementAndGet();
                frame.at("/payload/messages").forEach(this::countMessage);
            } else {
                countMessage(frame);
            }
        }

        private void countMessage(JsonNode message) {
            switch (message.path("type").asText()) {
                case "event" -> events.incrementAndGet();
                case "overflow" -> overflows.incrementAndGet();
                default -> {
                }
            }
        }
    }

    private final FrameCounter counter = new FrameCounter();

    /** A client that asks for batch frames; the counter sees what its connections read. */
    private GatewayClient batchingClient() {
        return track(clientBuilder().batchFrames(true).httpClient(this::counted).build());
    }

    private HttpClient counted(HttpClient client) {
        return client.doOnConnected(connection -> connection.addHandlerLast("test-frame-counter", counter.handler()));
    }

    /** A gateway that gathers what arrives in 20 ms before writing, so events waiting together share a frame. */
    private void startWithAWriteDelay() {
        startSqlite(c -> c.withWs(c.ws().withWriteDelay(Duration.ofMillis(20))));
    }

    /** Publishes {@code arrays} REST arrays of {@code size} events; returns their seqs in order. */
    private List<Long> publishArrays(String topic, int arrays, int size, String pad) {
        List<Long> seqs = new ArrayList<>();
        for (int a = 0; a < arrays; a++) {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < size; i++) {
                body.append(i == 0 ? "" : ",").append("{\"topic\":\"").append(topic)
                    .append("\",\"eventType\":\"test.tick\",\"data\":{\"pad\":\"").append(pad).append("\"}}");
            }
            HttpAnswer answer = http("POST", "/api/events", "application/json", body.append(']').toString());
            assertThat(answer.status()).as(answer.body()).isEqualTo(202);
            answer.json().get("seqs").forEach(seq -> seqs.add(seq.asLong()));
        }
        return seqs;
    }

    private static long last(List<Long> seqs) {
        return seqs.get(seqs.size() - 1);
    }

    @Test
    void aBatchingSubscriptionGetsEveryLiveEventOnceInOrderFromFewerFrames() {
        startWithAWriteDelay();
        GatewayClient client = batchingClient();
        List<Long> published = new ArrayList<>();
        List<Long> received = new CopyOnWriteArrayList<>();
        StepVerifier.create(client.subscribe(SubscribeSpec.of("task:*")).doOnNext(e -> received.add(e.seq())))
            .then(() -> await().atMost(WAIT).until(() -> subscribers("task:*") == 1))
            .then(() -> published.addAll(publishArrays("task:T-1", ARRAYS, PER_ARRAY, "")))
            .expectNextCount(ARRAYS * PER_ARRAY)
            .expectNoEvent(Duration.ofMillis(100))
            .thenCancel()
            .verify(WAIT);
        assertThat(received).as("every event once, in order").containsExactlyElementsOf(published);
        assertThat(counter.events.get()).as("events on the wire").isEqualTo(published.size());
        assertThat(counter.batches.get()).as("batch frames").isPositive();
        assertThat(counter.frames.get()).as("frames for %d events", published.size())
            .isLessThan(published.size() / 4);
        assertThat(status().at("/connections/total").asInt()).isEqualTo(1);
    }

    @Test
    void aReplayAndTheLiveEventsAfterItArriveOnceInOrderInBatches() {
        startWithAWriteDelay();
        GatewayClient client = batchingClient();
        List<Long> expected = new ArrayList<>(publishArrays("task:T-2", ARRAYS / 2, PER_ARRAY, ""));
        List<Long> received = new CopyOnWriteArrayList<>();
        StepVerifier.create(client.subscribe(SubscribeSpec.builder().patterns("task:*").since(0).build())
                .doOnNext(e -> received.add(e.seq())))
            .then(() -> expected.addAll(publishArrays("task:T-3", ARRAYS / 2, PER_ARRAY, "")))
            .expectNextCount(ARRAYS * PER_ARRAY)
            .expectNoEvent(Duration.ofMillis(100))
            .thenCancel()
            .verify(WAIT);
        assertThat(received).containsExactlyElementsOf(expected);
        assertThat(counter.batches.get()).isPositive();
        assertThat(counter.frames.get()).isLessThan(expected.size() / 4);
    }

    @Test
    void aStalledBatchingSubscriberIsToldOfItsGapsAndGetsEveryEventBackThroughResyncInOrder() {
        // As OverflowResyncIT: a 10-event buffer per connection and small socket buffers, so a subscriber that
        // requests nothing overflows; each gap's overflow message then comes batched or alone, as it happens to wait.
        start(GatewayServer.builder(TEST_CONFIG.withWs(TEST_CONFIG.ws().withBufferSize(10))
                .withStore(TEST_CONFIG.store().withUrl("r2dbc:sqlite:" + dir.resolve("overflow.db"))))
            .httpServer(s -> s.childOption(ChannelOption.SO_SNDBUF, 4096)));
        GatewayClient client = track(clientBuilder().batchFrames(true).bufferSize(4).pageSize(100)
            .httpClient(c -> counted(c.option(ChannelOption.SO_RCVBUF, 4096))).build());
        List<Long> expected = new ArrayList<>();
        List<Long> received = new ArrayList<>();
        StepVerifier.create(client.subscribe(SubscribeSpec.of("load:*")), 0)
            .then(() -> await().atMost(WAIT).until(() -> subscribers("load:*") == 1))
            .then(() -> {
                for (int i = 0; i < 6; i++) {
                    expected.addAll(publishArrays("load:L-" + i, 1, 500, PAD));
                }
                await().atMost(WAIT).until(() -> status().at("/events/dropped").asLong() > 0);
            })
            .thenRequest(Long.MAX_VALUE)
            .thenConsumeWhile(e -> {
                received.add(e.seq());
                return e.seq() < last(expected);
            })
            .thenCancel()
            .verify(WAIT);
        assertThat(status().at("/events/dropped").asLong()).as("the gateway dropped events").isPositive();
        assertThat(counter.overflows.get()).as("overflow messages read").isPositive();
        assertThat(counter.batches.get()).as("batch frames read").isPositive();
        assertThat(received).as("every event once, in order").containsExactlyElementsOf(expected);
        assertThat(status().at("/connections/total").asInt()).as("recovered by resync, not by reconnecting")
            .isEqualTo(1);
    }
}
