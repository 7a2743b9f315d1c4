package io.eventgateway.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.domain.FailingConnections;
import io.eventgateway.event.EventCodec;
import io.eventgateway.log.EventLog;
import io.eventgateway.r2dbc.sqlite.SqliteConnectionFactory;
import io.eventgateway.server.GatewayServer;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.WsTestClient;
import io.eventgateway.server.config.GatewayConfig;
import io.eventgateway.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The domain on the gateway's SQLite store: checkpoint expiry on virtual time seen by a subscriber, across a
 * restart exactly once, and a change whose transaction fails reaching neither the tables, the log nor a subscriber.
 */
class DomainStoreIT extends GatewayTestSupport {

    private static final Instant START = Instant.parse("2026-01-08T12:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(START);

    private GatewayConfig sqlite(Path file) {
        return TEST_CONFIG.withStore(TEST_CONFIG.store().withUrl("r2dbc:sqlite:" + file))
            .withWs(TEST_CONFIG.ws().withIdleTimeout(Duration.ofHours(2)).withHeartbeatInterval(Duration.ofHours(1)));
    }

    private JsonNode send(String method, String path, String body, int status) {
        HttpAnswer answer = http(method, path, "application/json", body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        return answer.json();
    }

    /** Moves the clock and the timer's virtual time together, as real time moves both. */
    private static void advance(MutableClock clock, VirtualTimeScheduler time, Duration d) {
        clock.advance(d);
        time.advanceTimeBy(d);
    }

    @Test
    void aSubscriberSeesACheckpointExpireWhenItsTimePassesAndOnlyThen() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        start(GatewayServer.builder(sqlite(dir.resolve("expiry.db"))).clock(clock).timer(time));
        try (WsTestClient subscriber = ws()) {
            subscriber.connected();
            subscriber.subscribe("{\"topics\":[\"checkpoint:*\"]}");
            send("POST", "/api/tasks", "{\"id\":\"T-1\",\"title\":\"Long job\"}", 201);
            String id = send("POST", "/api/tasks/T-1/checkpoints", "{\"trigger\":\"manual\","
                + "\"expiresAt\":\"2026-01-08T12:00:30Z\"}", 201).at("/checkpoint/id").asText();
            assertThat(subscriber.expect("event").at("/payload/eventType").asText()).isEqualTo("checkpoint.created");

            advance(clock, time, Duration.ofSeconds(29));
            assertThat(subscriber.poll(Duration.ofMillis(300))).as("not before expiresAt").isNull();
            advance(clock, time, Duration.ofSeconds(1));

            JsonNode expired = subscriber.expect("event").get("payload");
            assertThat(expired.get("topic").asText()).isEqualTo("checkpoint:T-1");
            assertThat(expired.get("eventType").asText()).isEqualTo("checkpoint.expired");
            assertThat(expired.get("data")).isEqualTo(expected(id, "2026-01-08T12:00:30.000Z"));
            assertThat(http("GET", "/api/checkpoints?taskId=T-1", null, null).json()
                .at("/checkpoints/0/expiredAt").asText()).isEqualTo("2026-01-08T12:00:30.000Z");
            advance(clock, time, Duration.ofMinutes(10));
            assertThat(subscriber.poll(Duration.ofMillis(300))).as("once").isNull();
            HttpAnswer resume = http("POST", "/api/checkpoints/" + id + "/resume", null, null);
            assertThat(resume.status()).isEqualTo(409);
        }
    }

    private static JsonNode expected(String id, String expiredAt) {
        try {
            return EventCodec.JSON.readTree(("{'checkpointId':'" + id + "','taskId':'T-1','taskTitle':'Long job',"
                + "'sequence':1,'trigger':'manual','expiresAt':'2026-01-08T12:00:30.000Z','expiredAt':'" + expiredAt
                + "'}").replace('\'', '"'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aCheckpointThatExpiredWhileTheGatewayWasDownExpiresOnceAtStart() {
        Path file = dir.resolve("restart.db");
        start(GatewayServer.builder(sqlite(file)).clock(clock).timer(VirtualTimeScheduler.create()));
        send("POST", "/api/tasks", "{\"id\":\"T-1\",\"title\":\"Long job\"}", 201);
        String id = send("POST", "/api/tasks/T-1/checkpoints", "{\"trigger\":\"manual\","
            + "\"expiresAt\":\"2026-01-08T12:00:30Z\"}", 201).at("/checkpoint/id").asText();
        long before = send("GET", "/api/checkpoints", null, 200).get("seq").asLong();
        gateway.disposeNow(Duration.ofSeconds(30));
        gateway = null;

        clock.advance(Duration.ofMinutes(5));
        start(GatewayServer.builder(sqlite(file)).clock(clock).timer(Schedulers.parallel()));
        try (WsTestClient subscriber = ws()) {
            subscriber.connected();
            subscriber.send("{\"type\":\"subscribe\",\"id\":\"s\",\"payload\":{\"topics\":[\"checkpoint:*\"],"
                + "\"since\":" + before + "}}");
            subscriber.expect("subscribed");
            JsonNode expired = subscriber.expect("event").get("payload");
            assertThat(expired.get("eventType").asText()).isEqualTo("checkpoint.expired");
            assertThat(expired.get("data")).isEqualTo(expected(id, "2026-01-08T12:05:00.000Z"));
        }
        gateway.disposeNow(Duration.ofSeconds(30));
        gateway = null;

        clock.advance(Duration.ofMinutes(5));
        start(GatewayServer.builder(sqlite(file)).clock(clock).timer(Schedulers.parallel()));
        JsonNode events = send("GET", "/api/events?since=0&topics=checkpoint:*", null, 200).get("events");
        List<String> types = new ArrayList<>();
        events.forEach(e -> types.add(e.get("eventType").asText()));
        assertThat(types).as("expired exactly once over two restarts").containsExactly("checkpoint.created",
            "checkpoint.expired");
        assertThat(send("GET", "/api/checkpoints", null, 200).at("/checkpoints/0/expiredAt").asText())
            .isEqualTo("2026-01-08T12:05:00.000Z");
    }

    @Test
    void aTaskChangeWhoseTransactionFailsReachesNeitherTheTablesTheLogNorASubscriber() throws SQLException {
        Path file = dir.resolve("atomic.db");
        FailingConnections failing = new FailingConnections(SqliteConnectionFactory.from("r2dbc:sqlite:" + file));
        EventLog log = EventLog.r2dbc(failing, clock, 1_000_000, Duration.ofDays(7), Duration.ofMinutes(5),
            Schedulers.parallel()).block(Duration.ofSeconds(30));
        start(GatewayServer.builder(sqlite(file)).clock(clock).eventLog(log));
        send("POST", "/api/streams", "{\"streamId\":\"S-1\",\"streamName\":\"One\"}", 201);
        send("POST", "/api/tasks", "{\"id\":\"T-1\",\"title\":\"Job\",\"streamId\":\"S-1\"}", 201);
        JsonNode before = send("GET", "/api/streams/S-1", null, 200);
        try (WsTestClient subscriber = ws();
             Connection db = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            subscriber.connected();
            subscriber.subscribe("{\"topics\":[\"task:*\",\"stream:*\"]}");
            String rowsBefore = rows(db);

            failing.failNext(FailingConnections.Point.EVENTS_INSERT);
            HttpAnswer failed = http("PATCH", "/api/tasks/T-1", "application/json", "{\"status\":\"completed\"}");

            assertThat(failed.status()).isEqualTo(500);
            assertThat(failed.json().at("/error/code").asText()).isEqualTo("INTERNAL_ERROR");
            assertThat(failing.injected()).isEqualTo(1);
            JsonNode after = send("GET", "/api/streams/S-1", null, 200);
            assertThat(after).as("memory, and the head").isEqualTo(before);
            assertThat(rows(db)).as("the tables").isEqualTo(rowsBefore);

            long seq = send("PATCH", "/api/tasks/T-1", "{\"status\":\"completed\"}", 200).get("seq").asLong();
            List<String> heard = new ArrayList<>();
            for (JsonNode frame : subscriber.framesThroughEvent(seq)) {
                heard.add(frame.at("/payload/eventType").asText());
            }
            assertThat(heard).as("the failed change was never delivered").containsExactly("task.updated",
                "task.status_changed", "task.completed", "stream.progress", "stream.completed");
            assertThat(rows(db)).contains("T-1:completed");
        }
    }

    private static String rows(Connection db) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Statement st = db.createStatement()) {
            try (ResultSet r = st.executeQuery("SELECT id, status, updated_at FROM tasks ORDER BY id")) {
                while (r.next()) {
                    out.append(r.getString(1)).append(':').append(r.getString(2)).append(':').append(r.getLong(3))
                        .append('\n');
                }
            }
            try (ResultSet r = st.executeQuery("SELECT stream_id, started_at, completed_at, updated_at FROM streams")) {
                while (r.next()) {
                    out.append(r.getString(1)).append(':').append(r.getString(2)).append(':').append(r.getString(3))
                        .append(':').append(r.getLong(4)).append('\n');
                }
            }
            try (ResultSet r = st.executeQuery("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM events")) {
                out.append("events ").append(r.getLong(1)).append(' ').append(r.getLong(2));
            }
        }
        return out.toString();
    }
}
