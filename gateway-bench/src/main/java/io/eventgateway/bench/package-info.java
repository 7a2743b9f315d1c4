/**
 * The load generator: many WebSocket subscribers and an open-loop publisher in one JVM, latency from the
 * publisher's intended time to receipt in HdrHistogram, and the correctness counts (announced drops,
 * unannounced losses, duplicates, order violations). Run with {@code scripts/bench}.
 */
@NullMarked
package io.eventgateway.bench;

import org.jspecify.annotations.NullMarked;
