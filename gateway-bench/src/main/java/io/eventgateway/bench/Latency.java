package io.eventgateway.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * Latencies in nanoseconds, recorded concurrently by the event loops (wait-free) and read by the reporter as
 * interval histograms.
 */
final class Latency {

    /** Latencies above two minutes are recorded as two minutes. */
    static final long MAX_TRACKABLE_NANOS = 120_000_000_000L;

    private final Recorder recorder = new Recorder(MAX_TRACKABLE_NANOS, 3);
    private @Nullable Histogram recycled;

    void record(long nanos) {
        recorder.recordValue(Math.min(Math.max(0, nanos), MAX_TRACKABLE_NANOS));
    }

    /**
     * The values recorded since the previous call.
     *
     * @return a histogram the caller may keep
     */
    synchronized Histogram take() {
        Histogram taken = recorder.getIntervalHistogram(recycled);
        Histogram copy = taken.copy();
        recycled = taken;
        return copy;
    }

    static Histogram empty() {
        return new Histogram(MAX_TRACKABLE_NANOS, 3);
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
