package io.eventgateway.domain.checkpoint;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * The checkpoint expiry timer: at most one pending task on the scheduler, for the earliest {@code expiresAt} still
 * waiting. When it fires it runs one expiry change (never two at a time), then arms itself for the next. A change
 * that creates an earlier checkpoint re-arms it. Its delays are computed on the same clock that stamps the log's
 * changes, so with a virtual scheduler and a clock that follows it, tests control time completely.
 */
final class CheckpointExpiry implements Disposable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointExpiry.class);
    /** How long after a failed expiry change (the store failing) it is tried again. */
    static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private final CheckpointService service;
    private final Clock clock;
    private final Scheduler timer;

    // Guarded by this.
    private @Nullable Disposable armed;
    private @Nullable Instant armedFor;
    private long generation;
    private boolean running;
    private boolean disposed;

    CheckpointExpiry(CheckpointService service, Clock clock, Scheduler timer) {
        this.service = service;
        this.clock = clock;
        this.timer = timer;
    }

    /** Arms the timer for the earliest waiting checkpoint, unless it is armed for it or an expiry runs. */
    void arm() {
        long gen;
        long delay;
        synchronized (this) {
            if (disposed || running) {
                return;
            }
            Instant next = service.nextDue();
            if (next == null) {
                cancel();
                return;
            }
            if (next.equals(armedFor)) {
                return;
            }
            cancel();
            armedFor = next;
            gen = ++generation;
            delay = Math.max(0, next.toEpochMilli() - clock.millis());
        }
        // Scheduled outside the monitor: a virtual-time scheduler runs a task due now inline.
        Disposable task = timer.schedule(() -> fire(gen), delay, TimeUnit.MILLISECONDS);
        synchronized (this) {
            if (generation == gen && armedFor != null) {
                armed = task;
            }
        }
    }

    private void fire(long gen) {
        synchronized (this) {
            if (disposed || running || gen != generation) {
                return;
            }
            running = true;
            armed = null;
            armedFor = null;
        }
        service.expireDue().subscribe(count -> { }, error -> {
            LOG.warn("checkpoint expiry failed, retrying in {}: {}", RETRY_DELAY, error.toString());
            synchronized (this) {
                running = false;
                if (disposed) {
                    return;
                }
                armed = timer.schedule(this::arm, RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
                armedFor = Instant.MIN;
                generation++;
            }
        }, () -> {
            synchronized (this) {
                running = false;
            }
            arm();
        });
    }

    /** Guarded by this. */
    private void cancel() {
        Disposable task = armed;
        if (task != null) {
            task.dispose();
        }
        armed = null;
        armedFor = null;
        generation++;
    }

    @Override
    public synchronized void dispose() {
        disposed = true;
        cancel();
    }

    @Override
    public synchronized boolean isDisposed() {
        return disposed;
    }
}
