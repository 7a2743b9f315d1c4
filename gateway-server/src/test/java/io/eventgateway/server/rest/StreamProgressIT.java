package io.eventgateway.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.server.GatewayServer;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.WsTestClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream progress through the real server over a random sequence of task changes (every status, cancelled and failed
 * ones included, tasks moving between streams and out of them): after each change, the last {@code stream.progress}
 * a WebSocket subscriber received for each stream it touched, and {@code GET /api/streams/{id}}, equal a recount
 * straight from the {@code tasks} table of the SQLite file. Fixed seed.
 */
class StreamProgressIT extends GatewayTestSupport {

    private static final List<String> STREAMS = List.of("S-A", "S-B", "S-C");
    private static final List<String> STATUSES = List.of("pending", "in_progress", "blocked", "completed", "failed",
        "cancelled");

    @TempDir
    Path dir;

    @Test
    void everyProgressEventAndReadEqualsARecountOfTheTasksTable() throws SQLException {
        Path file = dir.resolve("progress.db");
        start(GatewayServer.builder(TEST_CONFIG.withStore(TEST_CONFIG.store().withUrl("r2dbc:sqlite:" + file))));
        Random random = new Random(42);
        try (WsTestClient subscriber = ws();
             Connection db = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            subscriber.connected();
            // Every change ends with an event of one of these: its answer's seq is one the subscriber gets.
            subscriber.subscribe("{\"topics\":[\"stream:*\",\"task:*\"]}");
            for (String s : STREAMS) {
                request("POST", "/api/streams", "{\"streamId\":\"" + s + "\",\"streamName\":\"" + s + "\"}", 201);
            }
            List<String> tasks = new ArrayList<>();
            int completions = 0;
            for (int step = 0; step < 150; step++) {
                JsonNode answer;
                if (tasks.size() < 4 || random.nextInt(8) == 0) {
                    String id = "T-" + tasks.size();
                    tasks.add(id);
                    answer = request("POST", "/api/tasks", "{\"id\":\"" + id + "\",\"title\":\"" + id + "\","
                        + "\"status\":\"" + status(random) + "\",\"streamId\":" + stream(random) + "}", 201);
                } else {
                    String id = tasks.get(random.nextInt(tasks.size()));
                    String body = random.nextInt(4) == 0
                        ? "{\"streamId\":" + stream(random) + ",\"status\":\"" + status(random) + "\"}"
                        : "{\"status\":\"" + status(random) + "\"}";
                    answer = request("PATCH", "/api/tasks/" + id, body, 200);
                }
                Map<String, JsonNode> lastProgress = new HashMap<>();
                long seq = answer.get("seq").asLong();
                if (seq > subscriberSeq) {
                    for (JsonNode frame : framesThroughEvent(subscriber, seq, step)) {
                        JsonNode payload = frame.get("payload");
                        subscriberSeq = payload.get("seq").asLong();
                        if (payload.get("eventType").asText().equals("stream.progress")) {
                            lastProgress.put(payload.at("/data/streamId").asText(), payload.get("data"));
                        }
                        if (payload.get("eventType").asText().equals("stream.completed")) {
                            completions++;
                        }
                    }
                }
                Map<String, int[]> recount = recount(db);
                for (String s : STREAMS) {
                    int[] counts = recount.getOrDefault(s, new int[STATUSES.size()]);
                    JsonNode event = lastProgress.get(s);
                    if (event != null) {
                        assertCounts(event, counts, "step " + step + " event of " + s);
                    }
                    JsonNode read = request("GET", "/api/streams/" + s, null, 200).get("stream");
                    assertCounts(read, counts, "step " + step + " GET " + s);
                    assertThat(read.get("taskList")).hasSize(sum(counts) + counts[5]);
                }
            }
            assertThat(completions).as("some streams completed along the way").isPositive();
        }
    }

    private long subscriberSeq;

    /** The subscriber's frames through {@code seq}; on a timeout, fails with what the gateway says it holds. */
    private List<JsonNode> framesThroughEvent(WsTestClient subscriber, long seq, int step) {
        try {
            return subscriber.framesThroughEvent(seq);
        } catch (AssertionError e) {
            throw new AssertionError("step " + step + ": no event " + seq + " (the last one received was "
                + subscriberSeq + "); subscriber " + subscriber.state() + "; gateway status: "
                + http("GET", "/api/status", null, null).body(), e);
        }
    }

    private JsonNode request(String method, String path, String body, int status) {
        HttpAnswer answer = http(method, path, body == null ? null : "application/json", body);
        assertThat(answer.status()).as(method + " " + path + " " + body + ": " + answer.body()).isEqualTo(status);
        return answer.json();
    }

    private static void assertCounts(JsonNode stream, int[] counts, String what) {
        int total = sum(counts);
        assertThat(stream.get("totalTasks").asInt()).as(what).isEqualTo(total);
        assertThat(stream.get("pendingTasks").asInt()).as(what).isEqualTo(counts[0]);
        assertThat(stream.get("inProgressTasks").asInt()).as(what).isEqualTo(counts[1]);
        assertThat(stream.get("blockedTasks").asInt()).as(what).isEqualTo(counts[2]);
        assertThat(stream.get("completedTasks").asInt()).as(what).isEqualTo(counts[3]);
        assertThat(stream.get("failedTasks").asInt()).as(what).isEqualTo(counts[4]);
        assertThat(stream.get("cancelledTasks").asInt()).as(what).isEqualTo(counts[5]);
        double percent = total == 0 ? 0.0 : Math.round(counts[3] * 10_000.0 / total) / 100.0;
        assertThat(stream.get("progressPercentage").asDouble()).as(what).isEqualTo(percent);
    }

    /** Work: every task but the cancelled ones. */
    private static int sum(int[] counts) {
        return counts[0] + counts[1] + counts[2] + counts[3] + counts[4];
    }

    private static Map<String, int[]> recount(Connection db) throws SQLException {
        Map<String, int[]> counts = new HashMap<>();
        try (Statement st = db.createStatement();
             ResultSet rows = st.executeQuery("SELECT stream_id, status FROM tasks WHERE stream_id IS NOT NULL")) {
            while (rows.next()) {
                counts.computeIfAbsent(rows.getString(1), k -> new int[STATUSES.size()])[
                    STATUSES.indexOf(rows.getString(2))]++;
            }
        }
        return counts;
    }

    private static String status(Random random) {
        int i = random.nextInt(STATUSES.size() + 2);
        return i >= STATUSES.size() ? "completed" : STATUSES.get(i);
    }

    private static String stream(Random random) {
        int i = random.nextInt(STREAMS.size() + 1);
        return i == STREAMS.size() ? "null" : "\"" + STREAMS.get(i) + "\"";
    }
}
