package io.eventgateway.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.server.GatewayServer;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.WsTestClient;
import io.eventgateway.topic.Topic;
import io.eventgateway.topic.TopicPattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay racing live publishing, on the durable log (PROTOCOL.md section 7): clients subscribe with {@code since}
 * at random moments while a publisher runs; each must receive every matching seq after its {@code since}
 * exactly once and in increasing order, replayed and live alike, and nothing outside its patterns.
 */
class ReplayDuringPublishIT extends GatewayTestSupport {

    private static final String[] TOPICS = {"task:A", "task:B", "stream:S"};
    private static final String[][] PATTERN_SETS = {{"*"}, {"task:*"}, {"task:A", "stream:*"}, {"stream:S"},
        {"task:*", "task:A"}};

    @TempDir
    Path dir;

    @Test
    void subscribersJoiningWithSinceDuringPublishingSeeEverySeqOnceInOrder() throws Exception {
        start(GatewayServer.builder(TEST_CONFIG.withStore(TEST_CONFIG.store()
            .withUrl("r2dbc:sqlite:" + dir.resolve("race.db")))));
        Random random = new Random(20261123L);
        AtomicLong lastAcknowledged = new AtomicLong();
        Thread publisher = new Thread(() -> {
            Random r = new Random(7L);
            for (int published = 0; published < 2000;) {
                int batch = 1 + r.nextInt(20);
                StringBuilder body = new StringBuilder("[");
                for (int i = 0; i < batch; i++) {
                    body.append(i == 0 ? "" : ",").append("{\"topic\":\"").append(TOPICS[r.nextInt(TOPICS.length)])
                        .append("\",\"eventType\":\"t\",\"data\":{\"n\":").append(published + i).append("}}");
                }
                body.append(']');
                JsonNode seqs = http("POST", "/api/events", "application/json", body.toString()).json().get("seqs");
                lastAcknowledged.set(seqs.get(seqs.size() - 1).asLong());
                published += batch;
            }
        }, "race-publisher");
        publisher.start();

        List<Joined> clients = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            long joinAt = 200L * (c + 1);
            await().atMost(Duration.ofSeconds(60))
                .until(() -> lastAcknowledged.get() >= joinAt || !publisher.isAlive());
            long since = random.nextBoolean() ? 0 : random.nextInt((int) Math.max(1, lastAcknowledged.get()));
            String[] patterns = PATTERN_SETS[c];
            WsTestClient client = ws();
            client.connected();
            StringBuilder topics = new StringBuilder();
            for (String p : patterns) {
                topics.append(topics.length() == 0 ? "" : ",").append('"').append(p).append('"');
            }
            client.send("{\"type\":\"subscribe\",\"id\":\"r\",\"payload\":{\"topics\":[" + topics + "],\"since\":"
                + since + "}}");
            assertThat(client.expect("subscribed").at("/payload/recovered").asBoolean()).isTrue();
            clients.add(new Joined(client, since, patterns));
        }
        publisher.join(60_000);
        assertThat(publisher.isAlive()).as("publisher finished").isFalse();

        JsonNode all = http("GET", "/api/events?since=0&limit=10000", null, null).json().get("events");
        for (Joined joined : clients) {
            List<Long> expected = new ArrayList<>();
            for (JsonNode e : all) {
                if (e.get("seq").asLong() > joined.since && joined.matches(e.get("topic").asText())) {
                    expected.add(e.get("seq").asLong());
                }
            }
            List<Long> received = new ArrayList<>();
            while (received.size() < expected.size()) {
                JsonNode frame = joined.client.next();
                if (frame.get("type").asText().equals("event")) {
                    received.add(frame.at("/payload/seq").asLong());
                } else {
                    assertThat(frame.get("type").asText()).as("only events and heartbeats").isEqualTo("ping");
                }
            }
            assertThat(joined.client.poll(Duration.ofMillis(200))).as("nothing after the expected events").isNull();
            assertThat(received).as("client with since=%d and %s", joined.since, List.of(joined.patterns))
                .containsExactlyElementsOf(expected);
            joined.client.close();
        }
    }

    private record Joined(WsTestClient client, long since, String[] patterns) {
        boolean matches(String topic) {
            for (String p : patterns) {
                if (TopicPattern.parse(p).matches(Topic.parse(topic))) {
                    return true;
                }
            }
            return false;
        }
    }
}
