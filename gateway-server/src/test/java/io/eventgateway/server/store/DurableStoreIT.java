package io.eventgateway.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.server.GatewayServer;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.RunningGateway;
import io.eventgateway.server.StartupException;
import io.eventgateway.server.WsTestClient;
import io.eventgateway.server.config.GatewayConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway on its default store, a real SQLite file: durability across restarts, replay, bad store files. */
class DurableStoreIT extends GatewayTestSupport {

    @TempDir
    Path dir;

    private GatewayConfig sqlite(Path file) {
        return TEST_CONFIG.withStore(TEST_CONFIG.store().withUrl("r2dbc:sqlite:" + file));
    }

    private RunningGateway startOn(Path file) {
        return start(GatewayServer.builder(sqlite(file)));
    }

    @Test
    void acknowledgedEventsSurviveARestartAndSeqContinuesAboveThem() {
        Path file = dir.resolve("data/gateway.db");
        startOn(file);
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            seqs.add(publish("task:T-" + i, "task.progress", "{\"i\":" + i + "}"));
        }
        HttpAnswer batch = http("POST", "/api/events", "application/json",
            "[{\"topic\":\"bot:B-1\",\"eventType\":\"a\",\"data\":{}},{\"topic\":\"bot:B-1\",\"eventType\":\"b\"}]");
        assertThat(batch.status()).isEqualTo(202);
        batch.json().get("seqs").forEach(s -> seqs.add(s.asLong()));
        gateway.disposeNow(Duration.ofSeconds(30));
        gateway = null;

        startOn(file);
        JsonNode listed = http("GET", "/api/events?since=0", null, null).json();
        List<Long> stored = new ArrayList<>();
        listed.get("events").forEach(e -> stored.add(e.get("seq").asLong()));
        assertThat(stored).containsExactlyElementsOf(seqs);
        assertThat(listed.at("/events/0/data/i").asInt()).isZero();
        assertThat(listed.get("headSeq").asLong()).isEqualTo(seqs.get(seqs.size() - 1));
        long next = publish("task:T-next", "task.progress", "{}");
        assertThat(next).isGreaterThan(seqs.get(seqs.size() - 1));
    }

    @Test
    void subscribeWithSinceReplaysFromTheFileThenContinuesLive() {
        Path file = dir.resolve("replay.db");
        startOn(file);
        for (int i = 1; i <= 10; i++) {
            publish("stream:S-" + (i % 2), "stream.progress", "{\"n\":" + i + "}");
        }
        try (WsTestClient client = ws()) {
            client.connected();
            client.send("{\"type\":\"subscribe\",\"id\":\"r\",\"payload\":{\"topics\":[\"stream:S-1\"],\"since\":4}}");
            JsonNode subscribed = client.expect("subscribed");
            assertThat(subscribed.at("/payload/recovered").asBoolean()).isTrue();
            assertThat(client.expect("event").at("/payload/data/n").asInt()).isEqualTo(5);
            assertThat(client.expect("event").at("/payload/data/n").asInt()).isEqualTo(7);
            assertThat(client.expect("event").at("/payload/data/n").asInt()).isEqualTo(9);
            long live = publish("stream:S-1", "stream.progress", "{\"n\":11}");
            assertThat(client.expect("event").at("/payload/seq").asLong()).isEqualTo(live);
        }
    }

    @Test
    void idempotencyKeyRetriedAfterARestartIsAnsweredWithTheOriginalSeq() {
        Path file = dir.resolve("idem.db");
        startOn(file);
        String body = "{\"topic\":\"task:T-1\",\"eventType\":\"task.created\",\"data\":{},\"idempotencyKey\":\"k-1\"}";
        long first = http("POST", "/api/events", "application/json", body).json().get("seq").asLong();
        assertThat(http("POST", "/api/events", "application/json", body).json().get("seq").asLong())
            .isEqualTo(first);
        gateway.disposeNow(Duration.ofSeconds(30));
        gateway = null;
        startOn(file);
        assertThat(http("POST", "/api/events", "application/json", body).json().get("seq").asLong())
            .isEqualTo(first);
        assertThat(http("GET", "/api/events?since=0", null, null).json().get("events")).hasSize(1);
    }

    @Test
    void aWebSocketPublishRetriedWithItsKeyIsAnsweredWithTheOriginalSeqAndDeliveredOnce() {
        startOn(dir.resolve("ws-idem.db"));
        String publish = "{\"type\":\"publish\",\"id\":\"%s\",\"payload\":{\"topic\":\"bot:B-1\","
            + "\"eventType\":\"bot.step\",\"data\":{\"try\":%d},\"idempotencyKey\":\"step-7\"}}";
        try (WsTestClient publisher = ws(); WsTestClient subscriber = ws()) {
            publisher.connected();
            subscriber.connected();
            subscriber.subscribe("{\"topics\":[\"bot:*\"]}");

            publisher.send(String.format(publish, "p-1", 1));
            JsonNode first = publisher.expect("published");
            publisher.send(String.format(publish, "p-2", 2));
            JsonNode retry = publisher.expect("published");
            // The same key over REST is the same publish: one key space for both ways in.
            long overRest = http("POST", "/api/events", "application/json", "{\"topic\":\"bot:B-1\","
                + "\"eventType\":\"bot.step\",\"data\":{\"try\":3},\"idempotencyKey\":\"step-7\"}")
                .json().get("seq").asLong();
            long marker = publish("bot:B-1", "bot.marker", "{}");

            long seq = first.at("/payload/seq").asLong();
            assertThat(first.get("id").asText()).isEqualTo("p-1");
            assertThat(retry.get("id").asText()).isEqualTo("p-2");
            assertThat(retry.at("/payload/seq").asLong()).isEqualTo(seq);
            assertThat(overRest).isEqualTo(seq);
            List<JsonNode> delivered = subscriber.framesThroughEvent(marker);
            assertThat(delivered).extracting(f -> f.at("/payload/seq").asLong()).containsExactly(seq, marker);
            assertThat(delivered.get(0).at("/payload/data/try").asInt()).as("the original is kept").isEqualTo(1);
        }
    }

    @Test
    void aFileThatIsNotADatabaseIsRefusedWithOneClearLine() throws Exception {
        Path file = dir.resolve("not-a-db.db");
        Files.write(file, "this is not a database, just text that is long enough to have a header"
            .repeat(20).getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> startOn(file))
            .isInstanceOf(StartupException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("--store.url")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aDatabaseFromAFutureSchemaIsRefused() throws Exception {
        Path file = dir.resolve("future.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            s.execute("INSERT INTO schema_version VALUES (99)");
        }
        assertThatThrownBy(() -> startOn(file))
            .isInstanceOf(StartupException.class)
            .hasMessageContaining("newer");
    }

    @Test
    void aLocationThatCannotBeWrittenIsRefused() {
        // /proc is read-only even for root, which is who CI runs as.
        assertThatThrownBy(() -> startOn(Path.of("/proc/event-gateway-test/gateway.db")))
            .isInstanceOf(StartupException.class)
            .hasMessageContaining("/proc/event-gateway-test");
    }
}
