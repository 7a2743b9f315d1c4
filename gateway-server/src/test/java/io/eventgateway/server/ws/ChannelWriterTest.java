package io.eventgateway.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.event.Event;
import io.eventgateway.hub.Overflow;
import io.eventgateway.server.metrics.GatewayMetricsRecorder;
import io.eventgateway.topic.Topic;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.netty.Connection;

/**
 * {@link ChannelWriter} on an embedded channel, one drain pass at a time: what a connection that asked for
 * {@code batch} frames gets (PROTOCOL.md section 5, "batch"), and that one that did not still gets one message per
 * frame. Each written frame is read back with Netty's own client-side decoder.
 */
class ChannelWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-23T20:00:00Z");

    private final ServerFrames frames = new ServerFrames(Clock.fixed(NOW, ZoneOffset.UTC), GatewayMetricsRecorder.NOOP);
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<Long> requested = new ArrayList<>();
    private boolean cancelled;

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    private static Event event(long seq, int padding) {
        return new Event(seq, Topic.parse("task:T-1"), "test.tick", NOW,
            JsonNodeFactory.instance.objectNode().put("pad", "x".repeat(padding)));
    }

    private static ServerMessages.Connected connected(boolean batch) {
        return new ServerMessages.Connected("c-1", "1.0.0", 0, 30_000, 60_000, 50, 1000, batch, null);
    }

    /** A writer subscribed to nothing: the test plays the stream (onNext, then drained at the end of a pass). */
    private ChannelWriter writer(boolean shared, boolean batching) {
        ChannelWriter writer = new ChannelWriter(Connection.from(channel), frames, shared, batching);
        writer.onSubscribe(new Subscription() {
            @Override
            public void request(long n) {
                requested.add(n);
            }

            @Override
            public void cancel() {
                cancelled = true;
            }
        });
        return writer;
    }

    /** Every frame written so far, as the client reads them. */
    private List<JsonNode> written() throws IOException {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
            .expectMaskedFrames(false).maxFramePayloadLength(1 << 20).build()));
        List<JsonNode> read = new ArrayList<>();
        Object out;
        while ((out = channel.readOutbound()) != null) {
            TextWebSocketFrame frame;
            if (out instanceof ByteBuf) {
                assertThat(client.writeInbound(out)).isTrue();
                frame = client.readInbound();
            } else {
                frame = (TextWebSocketFrame) out;
            }
            try {
                JsonNode json = JSON.readTree(ByteBufUtil.getBytes(frame.content()));
                if (json.path("type").asText().equals("batch")) {
                    assertThat(frame.content().readableBytes()).as("a batch frame's payload")
                        .isLessThanOrEqualTo(ChannelWriter.MAX_BATCH_BYTES);
                }
                read.add(json);
            } finally {
                frame.release();
            }
        }
        assertThat(client.finish()).isFalse();
        return read;
    }

    private static JsonNode json(Event event) throws IOException {
        return JSON.readTree(event.frame().bytes());
    }

    @Test
    void aBatchingConnectionGetsConnectedAloneThenOnePassAsOneBatchFrameInOrder() throws IOException {
        ChannelWriter writer = writer(true, true);
        writer.onNext(connected(true));
        writer.drained();
        Event first = event(1, 10);
        Event second = event(2, 10);
        Overflow overflow = new Overflow(3, 3, 5);
        Event third = event(6, 10);
        writer.onNext(first);
        writer.onNext(second);
        writer.onNext(overflow);
        writer.onNext(third);
        writer.drained();

        List<JsonNode> read = written();
        assertThat(read).hasSize(2);
        assertThat(read.get(0).path("type").asText()).isEqualTo("connected");
        assertThat(read.get(0).at("/payload/batch").asBoolean()).isTrue();
        JsonNode batch = read.get(1);
        assertThat(batch.path("type").asText()).isEqualTo("batch");
        assertThat(batch.path("timestamp").asText()).isEqualTo("2026-11-23T20:00:00.000Z");
        JsonNode messages = batch.at("/payload/messages");
        assertThat(messages).hasSize(4);
        // Each message is exactly the frame it would have been on its own.
        assertThat(messages.get(0)).isEqualTo(json(first));
        assertThat(messages.get(1)).isEqualTo(json(second));
        assertThat(messages.get(2)).isEqualTo(JSON.readTree(frames.encode(overflow)));
        assertThat(messages.get(2).at("/payload/resync").asText()).isEqualTo("/api/events?since=2&until=5");
        assertThat(messages.get(3)).isEqualTo(json(third));
    }

    @Test
    void aPassWithOneMessageWritesItAsItsOwnFrame() throws IOException {
        ChannelWriter writer = writer(true, true);
        writer.onNext(connected(true));
        Event only = event(9, 10);
        writer.onNext(only);
        writer.drained();

        List<JsonNode> read = written();
        assertThat(read).extracting(node -> node.path("type").asText()).containsExactly("connected", "event");
        assertThat(read.get(1)).isEqualTo(json(only));
    }

    @Test
    void aBatchStopsBelowTheSizeLimitAndALargeEventGoesAloneInItsPlace() throws IOException {
        ChannelWriter writer = writer(true, true);
        writer.onNext(connected(true));
        List<Event> sent = new ArrayList<>();
        for (long seq = 1; seq <= 120; seq++) {
            // The 60th is 20 KB: more than a batch may hold, so it is written alone, between two batches.
            Event event = event(seq, seq == 60 ? 20_000 : 250);
            sent.add(event);
            writer.onNext(event);
        }
        writer.drained();

        List<JsonNode> read = written();
        List<JsonNode> received = new ArrayList<>();
        int batches = 0;
        for (JsonNode frame : read.subList(1, read.size())) {
            if (frame.path("type").asText().equals("batch")) {
                batches++;
                frame.at("/payload/messages").forEach(received::add);
            } else {
                received.add(frame);
            }
        }
        List<JsonNode> expected = new ArrayList<>();
        for (Event event : sent) {
            expected.add(json(event));
        }
        assertThat(received).containsExactlyElementsOf(expected);
        // 119 events of about 330 B at most 16 KiB a frame: at least 3 batches, far fewer frames than events.
        assertThat(batches).isBetween(3, 6);
        assertThat(read.size() - 1).isLessThan(10);
        assertThat(read.stream().filter(f -> f.path("type").asText().equals("event")).toList())
            .singleElement().satisfies(big -> assertThat(big.at("/payload/seq").asLong()).isEqualTo(60));
    }

    @Test
    void aConnectionThatDidNotAskForBatchesGetsOneFramePerMessage() throws IOException {
        ChannelWriter writer = writer(true, false);
        writer.onNext(connected(false));
        for (long seq = 1; seq <= 5; seq++) {
            writer.onNext(event(seq, 10));
        }
        writer.drained();

        List<JsonNode> read = written();
        assertThat(read).extracting(node -> node.path("type").asText())
            .containsExactly("connected", "event", "event", "event", "event", "event");
        assertThat(read.get(0).at("/payload/batch").asBoolean(true)).isFalse();
    }

    @Test
    void withCompressionABatchIsAFrameObjectForTheEncoderAndItsExtension() throws IOException {
        ChannelWriter writer = writer(false, true);
        writer.onNext(connected(true));
        writer.onNext(event(1, 10));
        writer.onNext(event(2, 10));
        writer.drained();

        Object connectedFrame = channel.readOutbound();
        Object batchFrame = channel.readOutbound();
        assertThat(connectedFrame).isInstanceOf(TextWebSocketFrame.class);
        assertThat(batchFrame).isInstanceOf(TextWebSocketFrame.class);
        JsonNode batch = JSON.readTree(((TextWebSocketFrame) batchFrame).text());
        ((TextWebSocketFrame) connectedFrame).release();
        ((TextWebSocketFrame) batchFrame).release();
        assertThat(batch.at("/payload/messages")).extracting(m -> m.at("/payload/seq").asLong())
            .containsExactly(1L, 2L);
    }

    @Test
    void anEventThatCannotBeEncodedEndsTheStreamAfterTheMessagesGatheredBeforeIt() throws IOException {
        ChannelWriter writer = writer(true, true);
        writer.onNext(connected(true));
        writer.onNext(event(1, 10));
        writer.onNext(event(2, 10));
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.putPOJO("broken", new UndeliverableEventIT.Unwritable());
        writer.onNext(new Event(3, Topic.parse("task:T-1"), "test.broken", NOW, data));
        writer.onNext(event(4, 10));
        writer.drained();

        List<JsonNode> read = written();
        assertThat(read).extracting(node -> node.path("type").asText()).containsExactly("connected", "batch");
        assertThat(read.get(1).at("/payload/messages")).extracting(m -> m.at("/payload/seq").asLong())
            .containsExactly(1L, 2L);
        assertThat(cancelled).as("the stream is cancelled: the connection closes 1011").isTrue();
    }

    @Test
    void whatWasGatheredIsWrittenBeforeTheStreamCompletes() throws IOException {
        ChannelWriter writer = writer(true, true);
        writer.onNext(connected(true));
        writer.onNext(event(1, 10));
        writer.onNext(event(2, 10));
        writer.onComplete();

        List<JsonNode> read = written();
        assertThat(read).extracting(node -> node.path("type").asText()).containsExactly("connected", "batch");
        assertThat(requested).containsExactly((long) ChannelWriter.DEMAND);
        assertThat(new String(frames.batchStart(), StandardCharsets.UTF_8))
            .startsWith("{\"type\":\"batch\",\"timestamp\":\"2026-11-23T20:00:00.000Z\"");
    }
}
