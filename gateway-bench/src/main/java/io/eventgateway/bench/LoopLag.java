package io.eventgateway.bench;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * How late the load generator's own event loops run a task scheduled on them: the generator's receive lag. A
 * frame that waits behind a busy loop is recorded with that wait added to its latency, so when this lag is a
 * sizeable share of the measured latency, the figure is the generator's, not the gateway's.
 */
final class LoopLag {

    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final Latency lag = new Latency();
    private volatile boolean stopped;

    void start(EventExecutorGroup group) {
        for (EventExecutor executor : group) {
            schedule(executor);
        }
    }

    private void schedule(EventExecutor executor) {
        if (stopped || executor.isShuttingDown()) {
            return;
        }
        long due = System.nanoTime() + PERIOD_NANOS;
        executor.schedule(() -> {
            lag.record(System.nanoTime() - due);
            schedule(executor);
        }, PERIOD_NANOS, TimeUnit.NANOSECONDS);
    }

    /**
     * The lags recorded since the previous call.
     *
     * @return a histogram of nanoseconds
     */
    Histogram take() {
        return lag.take();
    }

    void stop() {
        stopped = true;
    }
}
