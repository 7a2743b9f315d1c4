package io.eventgateway.server.limit;

/**
 * A token bucket: {@code ratePerSecond} tokens are added per second up to {@code burst}; each message takes one.
 * It bounds a runaway client, not a busy publisher (PROTOCOL.md section 6). Time comes from the caller, so
 * tests drive it with virtual time. Not thread-safe: a connection's inbound messages arrive on its event loop.
 */
public final class TokenBucket {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long ratePerSecond;
    private final long burst;
    /** Tokens scaled by NANOS_PER_SECOND, so refills need no division per message. */
    private long scaledTokens;
    private long lastRefillNanos;

    /**
     * Creates a full bucket.
     *
     * @param ratePerSecond {@code ws.rate-limit}, at least 1
     * @param burst {@code ws.rate-burst}, at least 1
     * @param nowNanos the current time in nanoseconds
     */
    public TokenBucket(long ratePerSecond, long burst, long nowNanos) {
        if (ratePerSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be >= 1");
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.scaledTokens = burst * NANOS_PER_SECOND;
        this.lastRefillNanos = nowNanos;
    }

    /**
     * Takes one token if there is one.
     *
     * @param nowNanos the current time in nanoseconds, never decreasing
     * @return true when the message is within the limit
     */
    public boolean tryTake(long nowNanos) {
        long elapsed = nowNanos - lastRefillNanos;
        if (elapsed > 0) {
            lastRefillNanos = nowNanos;
            long max = burst * NANOS_PER_SECOND;
            // elapsed * rate cannot overflow for any elapsed under ~292 years / rate; cap it first anyway.
            long refill = elapsed >= NANOS_PER_SECOND * burst ? max : elapsed * ratePerSecond;
            scaledTokens = Math.min(max, scaledTokens + refill);
        }
        if (scaledTokens >= NANOS_PER_SECOND) {
            scaledTokens -= NANOS_PER_SECOND;
            return true;
        }
        return false;
    }
}
