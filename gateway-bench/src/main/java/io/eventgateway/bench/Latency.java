package io.eventgateway.bench;

import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;
import org.HdrHistogram.Recorder;

/** Publish-intended to receive latency, recorded concurrently, read as interval histograms. */
final class Latency {

    private static final long MAX_TRACKABLE_NANOS = 120_000_000_000L;

    private final Recorder recorder = new Recorder(MAX_TRACKABLE_NANOS, 3);
    private final Histogram steadyState = new Histogram(MAX_TRACKABLE_NANOS, 3);
    private @Nullable Histogram interval;

    void record(long nanos) {
        recorder.recordValue(Math.min(Math.max(0, nanos), MAX_TRACKABLE_NANOS));
    }

    /** Takes the interval since the last call; adds it to the steady state when {@code steady}. */
    synchronized Histogram takeInterval(boolean steady) {
        Histogram taken = recorder.getIntervalHistogram(interval);
        interval = taken;
        if (steady) {
            steadyState.add(taken);
        }
        return taken.copy();
    }

    synchronized Histogram steadyState() {
        return steadyState.copy();
    }
}
