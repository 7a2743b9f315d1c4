package io.eventgateway.server.metrics;

import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.OutputStream;
import reactor.core.Disposable;

/**
 * The gateway's meters and their Prometheus exposition ({@code GET /metrics}). Created once per running gateway
 * when {@code metrics.enabled} is true, and disposed with it (the GC meters listen to JVM notifications until
 * then).
 *
 * <p>Totals that the hub and the connections keep anyway (deliveries, drops, connections, subscriptions) are not
 * counted a second time: each scrape passes a {@link Snapshot} of them, and the meters read it.
 */
public interface GatewayMetrics extends Disposable {

    /**
     * Micrometer meters exposed in Prometheus text: the {@link GatewayMeters}, the JVM and process binders, and
     * the Netty allocator's gauges.
     *
     * @param allocator the server channels' buffer allocator ({@code ByteBufAllocator.DEFAULT})
     * @return the metrics
     */
    static GatewayMetrics prometheus(ByteBufAllocator allocator) {
        return new PrometheusGatewayMetrics(allocator);
    }

    /**
     * What the gateway's parts report to.
     *
     * @return the recorder behind these meters
     */
    GatewayMetricsRecorder recorder();

    /**
     * Writes every meter in Prometheus text, the totals of the snapshot included.
     *
     * @param snapshot the totals the hub and the connections keep, taken just before
     * @param out where the text goes
     * @throws IOException when {@code out} fails
     */
    void scrape(Snapshot snapshot, OutputStream out) throws IOException;

    /**
     * The {@code Content-Type} of {@link #scrape}.
     *
     * @return {@code text/plain; version=0.0.4; charset=utf-8}
     */
    String contentType();

    /**
     * The totals a scrape reads from the hub and the open connections, taken on the hub's dispatcher.
     *
     * @param connections open WebSocket connections
     * @param subscriptions (connection, pattern) subscriptions
     * @param patterns distinct active patterns
     * @param delivered events handed to sockets since start (closed connections included)
     * @param dropped events dropped by overflow since start (closed connections included)
     * @param logHeadSeq the event log's head
     */
    record Snapshot(int connections, long subscriptions, int patterns, long delivered, long dropped,
                    long logHeadSeq) {
    }
}
