package io.eventgateway.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A range of the gateway's event log for {@link GatewayClient#history(HistoryQuery)}: {@code GET /api/events}
 * (PROTOCOL.md section 8), read page by page. Immutable.
 *
 * <pre>{@code
 * HistoryQuery query = HistoryQuery.builder().since(100).until(500).topics("task:*").build();
 * }</pre>
 */
public final class HistoryQuery {

    /** {@link #until()} when the range ends at the head the first page reports. */
    public static final long HEAD = -1;

    private final long since;
    private final long until;
    private final List<String> topics;
    private final boolean allowPurgedGap;

    private HistoryQuery(Builder builder) {
        this.since = builder.since;
        this.until = builder.until;
        this.topics = List.copyOf(builder.topics);
        this.allowPurgedGap = builder.allowPurgedGap;
    }

    /**
     * A builder. Defaults: since 0, until {@link #HEAD}, every topic, and a purged range fails.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The exclusive lower bound.
     *
     * @return events with a greater seq are listed
     */
    public long since() {
        return since;
    }

    /**
     * The inclusive upper bound.
     *
     * @return the seq, or {@link #HEAD}
     */
    public long until() {
        return until;
    }

    /**
     * The patterns.
     *
     * @return the patterns, immutable, empty for all topics
     */
    public List<String> topics() {
        return topics;
    }

    /**
     * Whether a range whose start was purged by retention is listed from the oldest retained event instead of
     * failing with {@link ErrorCode#EVENTS_PURGED}.
     *
     * @return true to accept the gap
     */
    public boolean allowPurgedGap() {
        return allowPurgedGap;
    }

    /** Builds a {@link HistoryQuery}. */
    public static final class Builder {
        private long since;
        private long until = HEAD;
        private final List<String> topics = new ArrayList<>();
        private boolean allowPurgedGap;

        private Builder() {
        }

        /**
         * Lists events after this seq. Default 0: from the oldest.
         *
         * @param since the exclusive lower bound, at least 0
         * @return this builder
         */
        public Builder since(long since) {
            if (since < 0) {
                throw new IllegalArgumentException("since must be >= 0, got " + since);
            }
            this.since = since;
            return this;
        }

        /**
         * Lists events up to this seq, inclusive. Default {@link #HEAD}: the head when the first page is read, so
         * the listing ends even while events keep arriving.
         *
         * @param until the inclusive upper bound, at least 0
         * @return this builder
         */
        public Builder until(long until) {
            if (until < 0) {
                throw new IllegalArgumentException("until must be >= 0, got " + until);
            }
            this.until = until;
            return this;
        }

        /**
         * Lists only events of these patterns. Default: every topic.
         *
         * @param patterns the patterns
         * @return this builder
         */
        public Builder topics(String... patterns) {
            for (String p : Arrays.asList(patterns)) {
                Objects.requireNonNull(p, "a pattern must not be null");
                if (p.isEmpty() || p.indexOf(',') >= 0) {
                    throw new IllegalArgumentException("invalid pattern '" + p
                        + "': use *, entity:id, entity:* or entity:prefix*");
                }
                topics.add(p);
            }
            return this;
        }

        /**
         * Whether a purged start of the range is accepted. Default false.
         *
         * @param allow true to list from the oldest retained event
         * @return this builder
         */
        public Builder allowPurgedGap(boolean allow) {
            this.allowPurgedGap = allow;
            return this;
        }

        /**
         * Builds the query.
         *
         * @return the query
         * @throws IllegalArgumentException when {@code until} is below {@code since}
         */
        public HistoryQuery build() {
            if (until != HEAD && until < since) {
                throw new IllegalArgumentException("until (" + until + ") must not be below since (" + since + ")");
            }
            return new HistoryQuery(this);
        }
    }
}
