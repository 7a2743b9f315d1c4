package io.eventgateway.testing;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import reactor.test.scheduler.VirtualTimeScheduler;

/** A clock that reads a {@link VirtualTimeScheduler}, so that timestamps, tokens' {@code exp} and timers agree. */
public final class VirtualClock extends UtcTestClock {

    private final Instant base;
    private final VirtualTimeScheduler time;

    /**
     * Creates the clock.
     *
     * @param base the instant at virtual time 0
     * @param time the virtual time
     */
    public VirtualClock(Instant base, VirtualTimeScheduler time) {
        this.base = base;
        this.time = time;
    }

    @Override
    public Instant instant() {
        return base.plusMillis(time.now(TimeUnit.MILLISECONDS));
    }
}
