package io.eventgateway.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.event.EventCodec;
import io.eventgateway.server.GatewayServer;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.RawSocket;
import io.eventgateway.server.WsTestClient;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 5 (overflow) and section 7 (gaps are always announced): clients that stop reading, on a
 * raw socket with small buffers on both sides, against a gateway with a tiny {@code ws.buffer-size}.
 */
class OverflowIT extends GatewayTestSupport {

    private static final String PAD = "x".repeat(220);

    private void startWithSmallBuffers(int bufferSize) {
        start(GatewayServer.builder(TEST_CONFIG.withWs(TEST_CONFIG.ws().withBufferSize(bufferSize)))
            .httpServer(s -> s.childOption(ChannelOption.SO_SNDBUF, 4096)));
    }

    /** Publishes the events of the topics in arrays of 500 and returns topic by seq, in seq order. */
    private Map<Long, String> publishAll(List<String> topics) {
        Map<Long, String> published = new LinkedHashMap<>();
        for (int from = 0; from < topics.size(); from += 500) {
            StringBuilder body = new StringBuilder("[");
            int to = Math.min(topics.size(), from + 500);
            for (int i = from; i < to; i++) {
                body.append(i == from ? "" : ",").append("{\"topic\":\"").append(topics.get(i))
                    .append("\",\"eventType\":\"load.tick\",\"data\":{\"i\":").append(i).append(",\"pad\":\"")
                    .append(PAD).append("\"}}");
            }
            body.append(']');
            HttpAnswer answer = http("POST", "/api/events", "application/json", body.toString());
            assertThat(answer.status()).as(answer.body()).isEqualTo(202);
            JsonNode seqs = answer.json().get("seqs");
            for (int i = 0; i < seqs.size(); i++) {
                published.put(seqs.get(i).asLong(), topics.get(from + i));
            }
        }
        return published;
    }

    private static boolean matches(String pattern, String topic) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith("*")) {
            return topic.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(topic);
    }

    /** A subscriber on a raw socket that reads only when told to, and checks section 7 as it reads. */
    private static final class Subscriber implements AutoCloseable {
        final RawSocket socket;
        final List<String> patterns;
        final List<Long> received = new ArrayList<>();
        final List<JsonNode> overflows = new ArrayList<>();
        long newestSeen;

        Subscriber(int port, List<String> patterns) {
            this.socket = RawSocket.connect(port, 4096);
            this.patterns = patterns;
            socket.upgrade(port);
            assertThat(read().get("type").asText()).isEqualTo("connected");
            StringBuilder topics = new StringBuilder("[");
            for (String p : patterns) {
                topics.append(topics.length() == 1 ? "" : ",").append('"').append(p).append('"');
            }
            socket.sendText("{\"type\":\"subscribe\",\"id\":\"s\",\"payload\":{\"topics\":" + topics + "]}}");
            JsonNode subscribed = read();
            assertThat(subscribed.get("type").asText()).isEqualTo("subscribed");
        }

        boolean wants(String topic) {
            for (String p : patterns) {
                if (matches(p, topic)) {
                    return true;
                }
            }
            return false;
        }

        JsonNode read() {
            RawSocket.Frame frame = socket.readFrame();
            assertThat(frame).as("a frame from the gateway").isNotNull();
            assertThat(frame.opcode()).as("a text frame").isEqualTo(RawSocket.TEXT);
            assertThat(frame.fin()).isTrue();
            try {
                return EventCodec.JSON.readTree(frame.payload());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Reads one frame and records it; returns the seq of an event, else -1. */
        long readOne() {
            JsonNode frame = read();
            String type = frame.get("type").asText();
            if (type.equals("event")) {
                long seq = frame.at("/payload/seq").asLong();
                assertThat(seq).as("seqs strictly increase, after any overflow's lastDroppedSeq")
                    .isGreaterThan(newestSeen);
                newestSeen = seq;
                received.add(seq);
                return seq;
            }
            if (type.equals("overflow")) {
                JsonNode p = frame.get("payload");
                long first = p.get("firstDroppedSeq").asLong();
                long last = p.get("lastDroppedSeq").asLong();
                assertThat(first).isGreaterThan(newestSeen).isLessThanOrEqualTo(last);
                assertThat(p.get("dropped").asLong()).isPositive();
                assertThat(p.get("resync").asText())
                    .isEqualTo("/api/events?since=" + (first - 1) + "&until=" + last);
                overflows.add(p);
                newestSeen = last;
                return -1;
            }
            assertThat(type).as("only events and overflows after subscribing: " + frame).isEqualTo("ping");
            return -1;
        }

        void readAvailable() {
            while (socket.available() > 0) {
                readOne();
            }
        }

        void readThrough(long seq) {
            while (newestSeen < seq) {
                readOne();
            }
            assertThat(received).as("the newest event is never dropped").contains(seq);
        }

        /** Every event of its patterns received once, in order, or covered by an overflow that counts it. */
        void verify(Map<Long, String> published) {
            List<Long> expected = new ArrayList<>();
            published.forEach((seq, topic) -> {
                if (wants(topic)) {
                    expected.add(seq);
                }
            });
            assertThat(received).isSorted().doesNotHaveDuplicates();
            assertThat(expected).containsAll(received);
            long droppedTotal = 0;
            for (JsonNode o : overflows) {
                long first = o.get("firstDroppedSeq").asLong();
                long last = o.get("lastDroppedSeq").asLong();
                long missing = expected.stream().filter(s -> s >= first && s <= last && !received.contains(s))
                    .count();
                assertThat(o.get("dropped").asLong()).as("dropped of " + o).isEqualTo(missing);
                assertThat(expected).as("the first and last dropped are events of its patterns")
                    .contains(first, last);
                assertThat(received).doesNotContain(first, last);
                droppedTotal += missing;
            }
            for (long seq : expected) {
                if (!received.contains(seq)) {
                    assertThat(overflows).as("seq " + seq + " is received or announced")
                        .anyMatch(o -> o.get("firstDroppedSeq").asLong() <= seq
                            && seq <= o.get("lastDroppedSeq").asLong());
                }
            }
            assertThat(received.size() + droppedTotal).isEqualTo(expected.size());
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /**
     * The {@code resync} request of each overflow, with the connection's patterns as {@code topics}, returns exactly
     * the events of those patterns in the dropped range that the client did not receive (PROTOCOL.md section 5).
     */
    private void assertResyncReturnsExactlyTheDroppedEvents(Subscriber subscriber, Map<Long, String> published) {
        for (JsonNode overflow : subscriber.overflows) {
            long first = overflow.get("firstDroppedSeq").asLong();
            long last = overflow.get("lastDroppedSeq").asLong();
            JsonNode answer = http("GET", overflow.get("resync").asText() + "&limit=10000&topics="
                + String.join(",", subscriber.patterns), null, null).json();
            List<Long> resynced = new ArrayList<>();
            answer.get("events").forEach(e -> resynced.add(e.get("seq").asLong()));
            List<Long> dropped = new ArrayList<>();
            published.forEach((seq, topic) -> {
                if (seq >= first && seq <= last && subscriber.wants(topic) && !subscriber.received.contains(seq)) {
                    dropped.add(seq);
                }
            });
            assertThat(resynced).as("resync of " + overflow).containsExactlyElementsOf(dropped);
            assertThat((long) resynced.size()).isEqualTo(overflow.get("dropped").asLong());
            assertThat(answer.get("hasMore").asBoolean()).isFalse();
        }
    }

    @Test
    void clientThatStopsReadingIsToldExactlyWhichEventsItLost() {
        startWithSmallBuffers(10);
        try (Subscriber stalled = new Subscriber(port(), List.of("task:*"))) {
            List<String> topics = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                topics.add("task:T-" + (i % 17));
            }
            Map<Long, String> published = publishAll(topics);
            long last = published.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            stalled.readThrough(last);
            assertThat(stalled.overflows).as("a stalled client overflows").isNotEmpty();
            stalled.verify(published);
            assertResyncReturnsExactlyTheDroppedEvents(stalled, published);
            assertThat(stalled.socket.available()).isZero();
            JsonNode status = http("GET", "/api/status", null, null).json();
            long dropped = stalled.overflows.stream().mapToLong(o -> o.get("dropped").asLong()).sum();
            assertThat(status.at("/events/dropped").asLong()).isEqualTo(dropped);
            assertThat(status.at("/connectionDetails/0/dropped").asLong()).isEqualTo(dropped);
        }
    }

    @Test
    void stalledClientDoesNotDelayANormalSubscriber() {
        startWithSmallBuffers(1000);
        try (Subscriber stalled = new Subscriber(port(), List.of("*"));
             WsTestClient normal = ws()) {
            normal.connected();
            normal.subscribe("{\"topics\":[\"*\"]}");
            Map<Long, String> published = new LinkedHashMap<>();
            List<Long> got = new ArrayList<>();
            for (int round = 0; round < 6; round++) {
                List<String> topics = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    topics.add(i % 2 == 0 ? "stream:S-1" : "bot:B-" + (i % 5));
                }
                Map<Long, String> batch = publishAll(topics);
                published.putAll(batch);
                long last = batch.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
                // Each batch reaches the normal subscriber while the stalled one holds thousands unread.
                for (JsonNode f : normal.framesThroughEvent(last)) {
                    assertThat(f.get("type").asText()).as("the normal subscriber never overflows")
                        .isEqualTo("event");
                    got.add(f.at("/payload/seq").asLong());
                }
            }
            assertThat(got).containsExactlyElementsOf(published.keySet());
            List<Long> seqs = new ArrayList<>(published.keySet());
            stalled.readThrough(seqs.get(seqs.size() - 1));
            assertThat(stalled.overflows).as("while the stalled one did overflow").isNotEmpty();
            stalled.verify(published);
        }
    }

    @Test
    void randomStallsOnOverlappingPatternsNeverLoseAnEventSilently() {
        startWithSmallBuffers(10);
        Random random = new Random(20_260_108L);
        String[] patternChoices = {"*", "task:*", "task:T-1*", "stream:*"};
        String[] topicChoices = {"task:T-1", "task:T-12", "task:T-2", "stream:S-1", "agent:A-1", "bot:B-1"};
        List<Subscriber> subscribers = new ArrayList<>();
        try {
            for (int c = 0; c < 5; c++) {
                List<String> patterns = new ArrayList<>();
                int count = 1 + random.nextInt(3);
                while (patterns.size() < count) {
                    String p = patternChoices[random.nextInt(patternChoices.length)];
                    if (!patterns.contains(p)) {
                        patterns.add(p);
                    }
                }
                subscribers.add(new Subscriber(port(), patterns));
            }
            Map<Long, String> published = new LinkedHashMap<>();
            for (int round = 0; round < 6; round++) {
                List<String> topics = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    topics.add(topicChoices[random.nextInt(topicChoices.length)]);
                }
                published.putAll(publishAll(topics));
                for (Subscriber s : subscribers) {
                    if (random.nextBoolean()) {
                        s.readAvailable();
                    }
                }
            }
            for (Subscriber s : subscribers) {
                long newestWanted = published.entrySet().stream().filter(e -> s.wants(e.getValue()))
                    .mapToLong(Map.Entry::getKey).max().orElseThrow();
                s.readThrough(newestWanted);
                s.verify(published);
                assertResyncReturnsExactlyTheDroppedEvents(s, published);
            }
        } finally {
            subscribers.forEach(Subscriber::close);
        }
    }
}
