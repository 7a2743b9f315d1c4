package io.eventgateway.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: the n-th retry in a row (n from 0) waits a random time in
 * {@code [(1 - jitter) * c, c]} with {@code c = min(max, min * 2^n)}. Jitter 1 is "full jitter" (uniform from 0
 * to the ceiling), which spreads the reconnects of many clients after a gateway restart instead of having them all
 * knock at once.
 */
final class Backoff {

    private final long minNanos;
    private final long maxNanos;
    private final double jitter;
    private final DoubleSupplier random;

    /**
     * A backoff.
     *
     * @param min the first ceiling, positive
     * @param max the largest ceiling, at least min
     * @param jitter 0 to 1
     * @param random uniform numbers in {@code [0, 1)}
     */
    Backoff(Duration min, Duration max, double jitter, DoubleSupplier random) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.jitter = jitter;
        this.random = random;
    }

    /**
     * The backoff of a client's settings, with {@link ThreadLocalRandom}.
     *
     * @param settings the settings
     * @return the backoff
     */
    static Backoff of(ClientSettings settings) {
        return new Backoff(settings.minBackoff(), settings.maxBackoff(), settings.jitter(),
            () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The ceiling of a retry.
     *
     * @param attempt retries in a row before this one, from 0
     * @return {@code min(max, min * 2^attempt)}
     */
    Duration ceiling(long attempt) {
        return Duration.ofNanos(ceilingNanos(attempt));
    }

    private long ceilingNanos(long attempt) {
        long c = minNanos;
        for (long i = 0; i < attempt && c < maxNanos; i++) {
            c = c > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : c * 2;
        }
        return Math.min(c, maxNanos);
    }

    /**
     * The wait before a retry.
     *
     * @param attempt retries in a row before this one, from 0
     * @return a random wait in {@code [(1 - jitter) * ceiling, ceiling]}
     */
    Duration delay(long attempt) {
        long ceiling = ceilingNanos(attempt);
        double r = random.getAsDouble();
        long off = (long) (jitter * r * ceiling);
        return Duration.ofNanos(Math.max(0, ceiling - off));
    }
}
