/**
 * JMH micro-benchmarks of the gateway's hot path, run by {@code scripts/bench jmh [JMH options]}:
 * {@link io.eventgateway.bench.jmh.PatternIndexBenchmark} (matching among 10 to 100,000 active patterns),
 * {@link io.eventgateway.bench.jmh.EventCodecBenchmark} (encoding an event once, and the per-connection wire
 * frame), {@link io.eventgateway.bench.jmh.HubFanoutBenchmark} (one event through the hub to 1/100/1000
 * connections) and, in gateway-core's own package because its constructor is package-private,
 * {@code io.eventgateway.hub.ConnectionStreamBenchmark} (one connection's pipeline per event).
 */
@NullMarked
package io.eventgateway.bench.jmh;

import org.jspecify.annotations.NullMarked;
