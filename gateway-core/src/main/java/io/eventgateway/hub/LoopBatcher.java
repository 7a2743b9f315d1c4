package io.eventgateway.hub;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;

/**
 * Hands the dispatcher's work to one connection-owning thread (a Netty event loop) in batches: a stream with new
 * items is queued here once (its dirty flag), and one task per batch drains every queued stream on that thread.
 *
 * <p>Why: draining a connection from the dispatcher thread makes its outbound call {@code eventLoop.execute}
 * (a task and often an eventfd wake-up, a syscall) per connection per event. Measured with 1 topic x 1,000
 * subscribers at 300 events/s, that capped the dispatcher at one core and 126k deliveries/s with multi-second
 * latency (docs/BENCHMARKS.md). With one task per loop per batch the dispatcher only enqueues, and each drain
 * runs on the loop, where the connection's writer writes directly and flushes once per drain; when the loop is
 * busy, events accumulate per connection and go out several frames per syscall (research/performance.md section 3
 * item 5, section 2.2 "two regimes").
 *
 * <p>With a write delay ({@code ws.write-delay}) a batch starts that long after its first stream became dirty:
 * the events of that window go out together, several frames per write. Measured with 1 topic x 1,000
 * subscribers at 300 events/s: p99 208 ms without a delay, 97 ms with 5 ms (docs/BENCHMARKS.md); the cost is up
 * to that delay on every delivery, so it is off by default.
 */
final class LoopBatcher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LoopBatcher.class);

    private final Executor loop;
    private final long delayNanos;
    private final Queue<ConnectionStream> dirty = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final HubRecorder recorder;
    /** The hub's commit time of the batch it is dispatching, 0 outside a dispatch. */
    private final LongSupplier dispatchingCommitNanos;
    /**
     * The commit time of the dispatch that scheduled this batch, 0 when none did (a reply, a replay). Written by
     * the thread that won {@link #scheduled} before it hands this task to the loop, read and cleared by the loop
     * before it clears {@link #scheduled}: those two edges order every access.
     */
    private long batchCommitNanos;

    LoopBatcher(Executor loop, long delayNanos) {
        this(loop, delayNanos, HubRecorder.NOOP, () -> 0L);
    }

    LoopBatcher(Executor loop, long delayNanos, HubRecorder recorder, LongSupplier dispatchingCommitNanos) {
        this.loop = loop;
        this.delayNanos = delayNanos;
        this.recorder = recorder;
        this.dispatchingCommitNanos = dispatchingCommitNanos;
    }

    /** Queues a stream whose dirty flag its caller just set; schedules a batch unless one is pending. */
    void schedule(ConnectionStream stream) {
        dirty.offer(stream);
        if (scheduled.compareAndSet(false, true)) {
            batchCommitNanos = dispatchingCommitNanos.getAsLong();
            if (delayNanos > 0 && loop instanceof ScheduledExecutorService) {
                ((ScheduledExecutorService) loop).schedule(this, delayNanos, TimeUnit.NANOSECONDS);
            } else {
                loop.execute(this);
            }
        }
    }

    @Override
    public void run() {
        for (;;) {
            ConnectionStream stream;
            while ((stream = dirty.poll()) != null) {
                try {
                    stream.drainFromBatch();
                } catch (Throwable error) {
                    // Never let one connection's failure end the batch: the loop's other connections would wait
                    // forever, their streams marked dirty and this batch marked scheduled.
                    Exceptions.throwIfJvmFatal(error);
                    LOG.warn("draining connection {} failed", stream.id(), error);
                }
            }
            long committedAt = batchCommitNanos;
            if (committedAt != 0L) {
                // One latency sample per loop batch: every frame of the batch has been handed to its socket
                // (each connection's writer flushes once at the end of its drain).
                batchCommitNanos = 0L;
                recorder.written(System.nanoTime() - committedAt);
            }
            scheduled.set(false);
            // A stream queued after the last poll but before the flag was cleared would otherwise wait for the
            // next signal: take the batch back if anything is left.
            if (dirty.isEmpty() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }
}
