package io.eventgateway.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code store.*}: the event log.
 *
 * @param url {@code store.url}, default {@code r2dbc:sqlite:./data/gateway.db}; {@link #MEMORY} keeps the log in
 *     memory (nothing survives a restart)
 * @param retentionEvents {@code store.retention-events}, default 1 000 000 newest events kept
 * @param retentionAge {@code store.retention-age}, default 7 days
 * @param idempotencyWindow {@code store.idempotency-window}, default 5 minutes
 */
public record StoreConfig(String url, long retentionEvents, Duration retentionAge, Duration idempotencyWindow) {

    /** {@code store.url} of the in-memory log. */
    public static final String MEMORY = "memory:";

    /** Validates every component, naming its key. */
    public StoreConfig {
        Objects.requireNonNull(url, "store.url must not be null");
        if (url.isBlank()) {
            throw new IllegalArgumentException("store.url must not be empty");
        }
        Checks.range("store.retention-events", retentionEvents, 1, Long.MAX_VALUE);
        Checks.positive("store.retention-age", retentionAge);
        Checks.positive("store.idempotency-window", idempotencyWindow);
    }

    /**
     * The defaults of PROTOCOL.md.
     *
     * @return SQLite in {@code ./data/}, 1 000 000 events or 7 days, 5 minutes
     */
    public static StoreConfig defaults() {
        return new StoreConfig("r2dbc:sqlite:./data/gateway.db", 1_000_000, Duration.ofDays(7),
            Duration.ofMinutes(5));
    }

    /**
     * A copy with another URL.
     *
     * @param value the URL
     * @return the copy
     */
    public StoreConfig withUrl(String value) {
        return new StoreConfig(value, retentionEvents, retentionAge, idempotencyWindow);
    }

    /**
     * A copy with another count retention.
     *
     * @param value the newest events kept
     * @return the copy
     */
    public StoreConfig withRetentionEvents(long value) {
        return new StoreConfig(url, value, retentionAge, idempotencyWindow);
    }

    /**
     * A copy with another age retention.
     *
     * @param value the oldest age kept
     * @return the copy
     */
    public StoreConfig withRetentionAge(Duration value) {
        return new StoreConfig(url, retentionEvents, value, idempotencyWindow);
    }

    /**
     * A copy with another idempotency window.
     *
     * @param value the window
     * @return the copy
     */
    public StoreConfig withIdempotencyWindow(Duration value) {
        return new StoreConfig(url, retentionEvents, retentionAge, value);
    }
}
