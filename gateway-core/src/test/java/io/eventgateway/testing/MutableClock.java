package io.eventgateway.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that stands still until a test moves it forward, so every timestamp stamped under it is known in advance. */
public final class MutableClock extends UtcTestClock {

    private final AtomicReference<Instant> now;

    /**
     * A clock at an instant.
     *
     * @param start where it starts
     */
    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /**
     * Moves the clock forward.
     *
     * @param duration how far
     */
    public void advance(Duration duration) {
        now.updateAndGet(t -> t.plus(duration));
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
