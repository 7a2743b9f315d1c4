/**
 * Metrics (docs/METRICS.md): the {@link io.eventgateway.server.metrics.GatewayMetricsRecorder} seam that the
 * WebSocket endpoint, the REST router, the hub and the event log report to, the documented meter names of
 * {@link io.eventgateway.server.metrics.GatewayMeters}, and {@link io.eventgateway.server.metrics.GatewayMetrics},
 * the Micrometer registry behind {@code GET /metrics} (Prometheus text). Nothing on the per-event path does more
 * than increment a counter resolved in advance; totals the hub and the connections keep anyway are read at scrape
 * time.
 */
@NullMarked
package io.eventgateway.server.metrics;

import org.jspecify.annotations.NullMarked;
