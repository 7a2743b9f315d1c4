package io.eventgateway.server.config;

import java.time.Duration;

/**
 * {@code store.*}: the event log, its retention (PROTOCOL.md section 7) and the publish idempotency window.
 *
 * @param url {@code store.url}, default {@code r2dbc:sqlite:./data/gateway.db}; {@link #MEMORY} keeps the log in
 *     memory (nothing survives a restart); must not be empty
 * @param retentionEvents {@code store.retention-events}, default 1 000 000 newest events kept (at least 1)
 * @param retentionAge {@code store.retention-age}, default 7 days (positive)
 * @param idempotencyWindow {@code store.idempotency-window}, default 5 minutes (positive)
 */
public record StoreConfig(String url, long retentionEvents, Duration retentionAge, Duration idempotencyWindow) {

    /** {@code store.url} of the in-memory log. */
    public static final String MEMORY = "memory:";

    /** Validates every component, naming its key. */
    public StoreConfig {
        Checks.notBlank("store.url", url);
        Checks.atLeast("store.retention-events", retentionEvents, 1);
        Checks.positive("store.retention-age", retentionAge);
        Checks.positive("store.idempotency-window", idempotencyWindow);
    }

    /**
     * The defaults of PROTOCOL.md.
     *
     * @return SQLite in {@code ./data/gateway.db}, the newest 1 000 000 events or 7 days, a 5 minute window
     */
    public static StoreConfig defaults() {
        return new StoreConfig("r2dbc:sqlite:./data/gateway.db", 1_000_000, Duration.ofDays(7),
            Duration.ofMinutes(5));
    }

    /**
     * A copy with another URL.
     *
     * @param url the URL, default {@code r2dbc:sqlite:./data/gateway.db}; {@link #MEMORY} for the in-memory log
     * @return the copy
     */
    public StoreConfig withUrl(String url) {
        return new StoreConfig(url, retentionEvents, retentionAge, idempotencyWindow);
    }

    /**
     * A copy with another count retention.
     *
     * @param retentionEvents the newest events kept, default 1 000 000
     * @return the copy
     */
    public StoreConfig withRetentionEvents(long retentionEvents) {
        return new StoreConfig(url, retentionEvents, retentionAge, idempotencyWindow);
    }

    /**
     * A copy with another age retention.
     *
     * @param retentionAge the oldest age kept, default 7 days
     * @return the copy
     */
    public StoreConfig withRetentionAge(Duration retentionAge) {
        return new StoreConfig(url, retentionEvents, retentionAge, idempotencyWindow);
    }

    /**
     * A copy with another idempotency window.
     *
     * @param idempotencyWindow how long a publish {@code idempotencyKey} is remembered, default 5 minutes
     * @return the copy
     */
    public StoreConfig withIdempotencyWindow(Duration idempotencyWindow) {
        return new StoreConfig(url, retentionEvents, retentionAge, idempotencyWindow);
    }
}
