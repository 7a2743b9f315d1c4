/**
 * The fan-out hot path (ARCHITECTURE.md, "The shape of the hot path"): the {@link io.eventgateway.hub.Hub}
 * receives committed batches from the log and, on its one dispatcher thread, emits each event into the
 * {@code Sinks.Many} of every active pattern that matches; each connection's
 * {@link io.eventgateway.hub.ConnectionStream} merges its patterns, drops duplicate {@code seq}, buffers at
 * most {@code ws.buffer-size} events (dropping the oldest) and announces every drop with one
 * {@link io.eventgateway.hub.Overflow} right where the gap is.
 */
@NullMarked
package io.eventgateway.hub;

import org.jspecify.annotations.NullMarked;
