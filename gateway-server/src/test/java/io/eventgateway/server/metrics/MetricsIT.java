package io.eventgateway.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.server.GatewayTestSupport;
import io.eventgateway.server.RawSocket;
import io.eventgateway.server.WsTestClient;
import io.micrometer.core.instrument.Meter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} after a known load on a real gateway with real WebSocket clients: every counter equals what
 * the test did, the text is valid Prometheus text, and it serves exactly the meters docs/METRICS.md lists.
 */
class MetricsIT extends GatewayTestSupport {

    private static final String PAD = "p".repeat(100);

    @TempDir
    Path tempDir;

    private PrometheusText scrape() {
        HttpAnswer answer = http("GET", "/metrics", null, null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        return PrometheusText.parse(answer.body());
    }

    private static double value(PrometheusText text, String name, String... labels) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return text.value(name, map);
    }

    /** Publishes {@code count} events of one entity in one REST array: one commit, one dispatched batch. */
    private void publishArray(String entity, int count) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"topic\":\"").append(entity).append(":X-").append(i)
                .append("\",\"eventType\":\"load.tick\",\"data\":{\"i\":").append(i).append(",\"pad\":\"")
                .append(PAD).append("\"}}");
        }
        HttpAnswer answer = http("POST", "/api/events", "application/json", body.append(']').toString());
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
    }

    private static void expectError(WsTestClient client, String code) {
        assertThat(client.expect("error").at("/payload/code").asText()).isEqualTo(code);
    }

    @Test
    void countersEqualWhatTheClientsDid() {
        // A write delay gathers a connection's writes for 100 ms: a burst of 50 events into a buffer of 10 overflows
        // (40 dropped unless the dispatcher stalls mid-batch), and every write-latency sample exceeds 100 ms.
        start(c -> c.withWs(c.ws().withBufferSize(10).withWriteDelay(Duration.ofMillis(100))));
        WsTestClient tasks = ws();
        WsTestClient agents = ws();
        WsTestClient errors = ws();
        WsTestClient tooBig = ws();
        try {
            tasks.connected();
            tasks.subscribe("{\"topics\":[\"task:*\"]}");
            agents.connected();
            agents.subscribe("{\"topics\":[\"agent:*\"]}");
            errors.connected();
            tooBig.connected();

            publishArray("task", 50);
            publishArray("agent", 8);
            for (int i = 0; i < 3; i++) {
                errors.request("publish", "p" + i, "{\"topic\":\"bot:B-1\",\"eventType\":\"bot.said\",\"data\":{}}");
                assertThat(errors.expect("published").get("id").asText()).isEqualTo("p" + i);
            }

            // The task subscriber reads through seq 50 and counts what it got and what overflow frames announced.
            long taskEvents = 0;
            long overflowFrames = 0;
            long announcedDrops = 0;
            for (JsonNode frame : tasks.framesThroughEvent(50)) {
                if (frame.get("type").asText().equals("event")) {
                    taskEvents++;
                } else {
                    assertThat(frame.get("type").asText()).isEqualTo("overflow");
                    overflowFrames++;
                    announcedDrops += frame.at("/payload/dropped").asLong();
                }
            }
            assertThat(taskEvents + announcedDrops).isEqualTo(50);
            assertThat(overflowFrames).as("a burst of 50 into a buffer of 10 overflows").isPositive();
            assertThat(agents.framesThroughEvent(58)).hasSize(8);

            // A late subscriber replays the 8 agent events: replayed deliveries count too.
            try (WsTestClient late = ws()) {
                late.connected();
                late.subscribe("{\"topics\":[\"agent:*\"],\"since\":0}");
                assertThat(late.framesThroughEvent(58)).hasSize(8);
                late.sendFrame(new CloseWebSocketFrame(1000, "done"));
                assertThat(late.closeStatus()).isNotNull();
            }

            errors.send("{\"type\":");
            expectError(errors, "WS_INVALID_MESSAGE");
            errors.request("frobnicate", "u", "{}");
            expectError(errors, "WS_UNKNOWN_TYPE");
            errors.request("subscribe", "t", "{\"topics\":[\"Not A Topic\"]}");
            expectError(errors, "WS_INVALID_TOPIC");
            errors.request("unsubscribe", "n", "{\"topics\":[\"task:*\"]}");
            expectError(errors, "WS_NOT_SUBSCRIBED");
            assertThat(http("GET", "/no/such/route", null, null).status()).isEqualTo(404);
            assertThat(http("POST", "/api/events", "text/plain", "hello").status()).isEqualTo(415);
            assertThat(http("POST", "/api/events", "text/plain", "hello").status()).isEqualTo(415);

            // The gateway closes a fragmented message over ws.max-message-bytes with 1009; Reactor Netty's client
            // closes with an empty close frame (1005); a raw socket goes away without any (1006).
            String big = "x".repeat(70_000);
            tooBig.sendFrame(new TextWebSocketFrame(false, 0, big.substring(0, 40_000)));
            tooBig.sendFrame(new ContinuationWebSocketFrame(true, 0, big.substring(40_000)));
            assertThat(tooBig.closeStatus()).isNotNull().satisfies(s -> assertThat(s.code()).isEqualTo(1009));
            try (WsTestClient oneBigFrame = ws()) {
                oneBigFrame.connected();
                oneBigFrame.send(big);
                assertThat(oneBigFrame.closeStatus()).isNotNull().satisfies(s -> assertThat(s.code()).isEqualTo(1009));
            }
            agents.close();
            RawSocket vanishing = RawSocket.connect(port(), 65_536);
            vanishing.upgrade(port());
            assertThat(vanishing.readFrame()).as("connected").isNotNull();
            vanishing.close();
            errors.sendFrame(new CloseWebSocketFrame(1000, "bye"));
            assertThat(errors.closeStatus()).isNotNull();

            // Connections are released asynchronously after their sockets close: wait until all five are counted.
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                PrometheusText t = scrape();
                return value(t, "gateway_ws_connections_active") == 1
                    && t.samples("gateway_ws_connections_closed_total").stream().mapToDouble(s -> s.value())
                    .sum() == 6;
            });
            PrometheusText text = scrape();

            assertThat(value(text, "gateway_events_published_total", "entity", "task")).isEqualTo(50);
            assertThat(value(text, "gateway_events_published_total", "entity", "agent")).isEqualTo(8);
            assertThat(value(text, "gateway_events_published_total", "entity", "bot")).isEqualTo(3);
            assertThat(value(text, "gateway_events_published_total", "entity", "other")).isZero();
            assertThat(value(text, "gateway_events_delivered_total")).as("task events + 8 agent + 8 replayed")
                .isEqualTo(taskEvents + 16);
            assertThat(value(text, "gateway_events_dropped_total")).isEqualTo(announcedDrops);
            assertThat(value(text, "gateway_ws_overflow_frames_total")).isEqualTo(overflowFrames);

            assertThat(value(text, "gateway_ws_connections_opened_total")).isEqualTo(7);
            assertThat(value(text, "gateway_ws_connections_active")).isEqualTo(1);
            Map<String, Double> closes = new TreeMap<>();
            text.samples("gateway_ws_connections_closed_total").forEach(s -> closes.put(
                s.labels().get("code") + "/" + s.labels().get("initiator"), s.value()));
            assertThat(closes).containsExactlyEntriesOf(new TreeMap<>(Map.of("1000/client", 2.0,
                "1005/client", 1.0, "1006/client", 1.0, "1009/server", 2.0)));
            assertThat(value(text, "gateway_ws_subscriptions_active")).isEqualTo(1);
            assertThat(value(text, "gateway_patterns_active")).isEqualTo(1);
            assertThat(value(text, "gateway_log_head_seq")).isEqualTo(61);

            assertThat(value(text, "gateway_errors_total", "code", "WS_INVALID_MESSAGE", "transport", "ws"))
                .isEqualTo(1);
            assertThat(value(text, "gateway_errors_total", "code", "WS_UNKNOWN_TYPE", "transport", "ws"))
                .isEqualTo(1);
            assertThat(value(text, "gateway_errors_total", "code", "WS_INVALID_TOPIC", "transport", "ws"))
                .isEqualTo(1);
            assertThat(value(text, "gateway_errors_total", "code", "WS_NOT_SUBSCRIBED", "transport", "ws"))
                .isEqualTo(1);
            assertThat(value(text, "gateway_errors_total", "code", "NOT_FOUND", "transport", "http")).isEqualTo(1);
            assertThat(value(text, "gateway_errors_total", "code", "UNSUPPORTED_MEDIA_TYPE", "transport", "http"))
                .isEqualTo(2);
            assertThat(text.samples("gateway_errors_total")).hasSize(6);

            double latencySamples = value(text, "gateway_events_write_latency_seconds_count");
            assertThat(latencySamples).as("a sample per loop batch a dispatch made due").isPositive();
            assertThat(value(text, "gateway_events_write_latency_seconds_bucket", "le", "0.05"))
                .as("every sample includes the 100 ms write delay").isZero();
            assertThat(value(text, "gateway_events_write_latency_seconds_sum")).isGreaterThanOrEqualTo(
                0.1 * latencySamples);
            assertThat(value(text, "gateway_store_append_batch_size_count")).as("store.url=memory: has no group commit")
                .isZero();
        } finally {
            tasks.close();
            agents.close();
            errors.close();
            tooBig.close();
        }
    }

    @Test
    void theTextServesExactlyTheDocumentedMeters() {
        start(c -> c.withStore(c.store().withUrl("r2dbc:sqlite:" + tempDir.resolve("metrics.db"))));
        publish("task:T-1", "task.created", "{}");
        try (WsTestClient client = ws()) {
            client.connected();
            client.send("not json");
            client.expect("error");
        }
        // jvm.gc.pause appears with the first GC notification, which the JVM delivers on its own thread.
        System.gc();
        await().atMost(Duration.ofSeconds(20)).until(() -> !scrape().samples("jvm_gc_pause_seconds_count").isEmpty()
            && !scrape().samples("gateway_ws_connections_closed_total").isEmpty());
        PrometheusText text = scrape();

        Set<GatewayMeters> mayBeAbsent = EnumSet.of(GatewayMeters.NETTY_ALLOCATOR_MEMORY_PINNED,
            GatewayMeters.NETTY_ALLOCATOR_ARENAS, GatewayMeters.JVM_GC_CONCURRENT_PHASE_TIME);
        Set<String> documented = new HashSet<>();
        for (GatewayMeters meter : GatewayMeters.values()) {
            documented.add(meter.prometheusName());
            boolean timed = meter.type() == Meter.Type.TIMER
                || meter.type() == Meter.Type.DISTRIBUTION_SUMMARY;
            if (timed) {
                documented.add(meter.prometheusName() + "_max");
            }
            if (mayBeAbsent.contains(meter)) {
                continue;
            }
            assertThat(text.families()).as(meter + " in the scrape").containsEntry(meter.prometheusName(),
                meter.prometheusType());
            if (timed) {
                assertThat(text.families()).containsEntry(meter.prometheusName() + "_max", "gauge");
            }
        }
        assertThat(text.families().keySet()).as("every family served is documented in docs/METRICS.md")
            .allMatch(documented::contains);
        assertThat(value(text, "gateway_store_append_batch_size_count")).isPositive();
        assertThat(value(text, "gateway_store_append_duration_seconds_count")).isPositive();
        assertThat(value(text, "gateway_events_published_total", "entity", "task")).isEqualTo(1);
        assertThat(value(text, "netty_allocator_memory_used_bytes", "allocator", "adaptive", "area", "direct"))
            .isNotNegative();
    }

    @Test
    void disabledMetricsAnswer404WhileStatusKeepsCounting() {
        start(c -> c.withMetrics(c.metrics().withEnabled(false)));
        publish("task:T-1", "task.created", "{}");

        HttpAnswer metrics = http("GET", "/metrics", null, null);
        JsonNode status = http("GET", "/api/status", null, null).json();

        assertThat(metrics.status()).isEqualTo(404);
        assertThat(metrics.json().at("/error/code").asText()).isEqualTo("NOT_FOUND");
        assertThat(metrics.json().at("/error/message").asText()).contains("metrics.enabled");
        assertThat(status.at("/events/published").asLong()).isEqualTo(1);
    }
}
