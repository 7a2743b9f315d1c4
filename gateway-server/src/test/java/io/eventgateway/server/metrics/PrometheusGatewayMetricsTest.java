package io.eventgateway.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.event.Event;
import io.eventgateway.event.EventCodec;
import io.eventgateway.topic.Topic;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Micrometer recorder without a server: what each call records, bounded tags, monotonic totals. */
class PrometheusGatewayMetricsTest {

    private static final GatewayMetrics.Snapshot EMPTY = new GatewayMetrics.Snapshot(0, 0, 0, 0, 0, 0);

    private final PrometheusGatewayMetrics metrics = new PrometheusGatewayMetrics(ByteBufAllocator.DEFAULT);
    private long seq;

    @AfterEach
    void dispose() {
        metrics.dispose();
    }

    private PrometheusText scrape(GatewayMetrics.Snapshot snapshot) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.scrape(snapshot, out);
        return PrometheusText.parse(out.toString(StandardCharsets.UTF_8));
    }

    private Event event(String topic) {
        return new Event(++seq, Topic.parse(topic), "test.event", Instant.EPOCH, EventCodec.JSON.createObjectNode());
    }

    @Test
    void publishedIsCountedByEntityAndNeverByTopicId() throws IOException {
        metrics.dispatched(List.of(event("task:T-1"), event("task:T-2"), event("agent:A-1")));
        metrics.dispatched(List.of(event("task:T-3")));

        PrometheusText text = scrape(EMPTY);

        assertThat(text.value("gateway_events_published_total", Map.of("entity", "task"))).isEqualTo(3);
        assertThat(text.value("gateway_events_published_total", Map.of("entity", "agent"))).isEqualTo(1);
        assertThat(text.value("gateway_events_published_total", Map.of("entity", "other"))).isZero();
        assertThat(text.samples("gateway_events_published_total")).hasSize(3)
            .allSatisfy(s -> assertThat(s.labels().keySet()).containsExactly("entity"));
    }

    @Test
    void entitiesBeyondTheCapAreCountedAsOther() throws IOException {
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < GatewayMeters.MAX_ENTITY_TAGS + 5; i++) {
            batch.add(event("e" + i + ":x"));
        }
        batch.add(event("e0:again"));
        batch.add(event("e104:again"));
        metrics.dispatched(batch);

        PrometheusText text = scrape(EMPTY);

        assertThat(text.samples("gateway_events_published_total")).hasSize(GatewayMeters.MAX_ENTITY_TAGS + 1);
        assertThat(text.value("gateway_events_published_total", Map.of("entity", "e0"))).isEqualTo(2);
        assertThat(text.value("gateway_events_published_total", Map.of("entity", "other"))).isEqualTo(6);
        assertThat(metrics.published("e104")).isZero();
    }

    @Test
    void closesAreCountedByCodeAndInitiatorWithUnknownCodesAsOther() throws IOException {
        metrics.connectionOpened();
        metrics.connectionOpened();
        metrics.connectionClosed(1000, false);
        metrics.connectionClosed(4001, true);
        metrics.connectionClosed(3999, false);
        metrics.connectionClosed(4321, false);

        PrometheusText text = scrape(EMPTY);

        assertThat(text.value("gateway_ws_connections_opened_total", Map.of())).isEqualTo(2);
        assertThat(text.value("gateway_ws_connections_closed_total", Map.of("code", "1000", "initiator", "client")))
            .isEqualTo(1);
        assertThat(text.value("gateway_ws_connections_closed_total", Map.of("code", "4001", "initiator", "server")))
            .isEqualTo(1);
        assertThat(text.value("gateway_ws_connections_closed_total", Map.of("code", "other", "initiator", "client")))
            .isEqualTo(2);
    }

    @Test
    void errorsAreCountedByCodeAndTransport() throws IOException {
        metrics.error(ErrorCode.WS_INVALID_TOPIC, GatewayMetricsRecorder.Transport.WS);
        metrics.error(ErrorCode.WS_INVALID_TOPIC, GatewayMetricsRecorder.Transport.WS);
        metrics.error(ErrorCode.NOT_FOUND, GatewayMetricsRecorder.Transport.HTTP);
        metrics.overflowFrame();

        PrometheusText text = scrape(EMPTY);

        assertThat(text.value("gateway_errors_total", Map.of("code", "WS_INVALID_TOPIC", "transport", "ws")))
            .isEqualTo(2);
        assertThat(text.value("gateway_errors_total", Map.of("code", "NOT_FOUND", "transport", "http")))
            .isEqualTo(1);
        assertThat(text.samples("gateway_errors_total")).hasSize(2);
        assertThat(text.value("gateway_ws_overflow_frames_total", Map.of())).isEqualTo(1);
    }

    @Test
    void snapshotTotalsAreGaugesAndCountersThatNeverGoDown() throws IOException {
        PrometheusText first = scrape(new GatewayMetrics.Snapshot(3, 7, 2, 100, 10, 55));
        // A snapshot below the last one (the hub does not produce them any more) must not lower a counter.
        PrometheusText dip = scrape(new GatewayMetrics.Snapshot(2, 5, 2, 90, 4, 56));
        PrometheusText later = scrape(new GatewayMetrics.Snapshot(2, 5, 1, 120, 12, 57));

        assertThat(first.value("gateway_ws_connections_active", Map.of())).isEqualTo(3);
        assertThat(first.value("gateway_ws_subscriptions_active", Map.of())).isEqualTo(7);
        assertThat(first.value("gateway_patterns_active", Map.of())).isEqualTo(2);
        assertThat(first.value("gateway_log_head_seq", Map.of())).isEqualTo(55);
        assertThat(dip.value("gateway_events_delivered_total", Map.of())).isEqualTo(100);
        assertThat(dip.value("gateway_events_dropped_total", Map.of())).isEqualTo(10);
        assertThat(dip.value("gateway_ws_connections_active", Map.of())).isEqualTo(2);
        assertThat(later.value("gateway_events_delivered_total", Map.of())).isEqualTo(120);
        assertThat(later.value("gateway_events_dropped_total", Map.of())).isEqualTo(12);
    }

    @Test
    void latencyAndGroupCommitsFillTheirHistograms() throws IOException {
        metrics.written(3_000_000);
        metrics.written(40_000_000);
        metrics.committed(5, 2_000_000);
        metrics.committed(500, 30_000_000);
        metrics.commitFailed(7);

        PrometheusText text = scrape(EMPTY);

        assertThat(text.value("gateway_events_write_latency_seconds_count", Map.of())).isEqualTo(2);
        assertThat(text.value("gateway_events_write_latency_seconds_sum", Map.of())).isEqualTo(0.043);
        assertThat(text.value("gateway_events_write_latency_seconds_bucket", Map.of("le", "0.005"))).isEqualTo(1);
        assertThat(text.value("gateway_events_write_latency_seconds_bucket", Map.of("le", "0.05"))).isEqualTo(2);
        assertThat(text.value("gateway_store_append_batch_size_sum", Map.of())).isEqualTo(505);
        assertThat(text.value("gateway_store_append_batch_size_bucket", Map.of("le", "10.0"))).isEqualTo(1);
        assertThat(text.value("gateway_store_append_duration_seconds_count", Map.of())).isEqualTo(2);
        assertThat(text.value("gateway_store_append_failures_total", Map.of())).isEqualTo(1);
    }

    @Test
    void disposeIsIdempotent() {
        assertThat(metrics.isDisposed()).isFalse();
        metrics.dispose();
        metrics.dispose();
        assertThat(metrics.isDisposed()).isTrue();
        assertThat(metrics.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(metrics.recorder()).isSameAs(metrics);
        assertThat(metrics.enabled()).isTrue();
        assertThat(GatewayMetricsRecorder.NOOP.enabled()).isFalse();
    }

    @Test
    void thePooledAllocatorAlsoReportsPinnedMemoryAndArenas() {
        PooledByteBufAllocator pooled = new PooledByteBufAllocator(true);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new NettyAllocatorMetrics(pooled).bindTo(registry);
        ByteBuf buffer = pooled.directBuffer(64 * 1024);
        try {
            assertThat(registry.get("netty.allocator.memory.used").tag("area", "direct").tag("allocator", "pooled")
                .gauge().value()).isPositive();
            assertThat(registry.get("netty.allocator.memory.pinned").tag("area", "direct").gauge().value())
                .isGreaterThanOrEqualTo(64 * 1024);
            assertThat(registry.get("netty.allocator.arenas").tag("area", "direct").gauge().value()).isPositive();
        } finally {
            buffer.release();
        }
        SimpleMeterRegistry unpooled = new SimpleMeterRegistry();
        new NettyAllocatorMetrics(new UnpooledByteBufAllocator(true)).bindTo(unpooled);
        assertThat(unpooled.find("netty.allocator.memory.used").gauges()).hasSize(2);
        assertThat(unpooled.find("netty.allocator.memory.pinned").gauges()).isEmpty();
    }
}
