package io.eventgateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link GatewayClient#subscribe(SubscribeSpec)} asks for: the {@code subscribe} request of PROTOCOL.md
 * section 4 (patterns, {@code filters}, {@code events}, {@code since}). Immutable.
 *
 * <pre>{@code
 * SubscribeSpec spec = SubscribeSpec.builder()
 *     .patterns("task:*", "stream:Stream-A")
 *     .filter("status", "in_progress", "blocked")
 *     .events("task.status_changed", "stream.*")
 *     .since(1041)
 *     .build();
 * }</pre>
 */
public final class SubscribeSpec {

    /** {@link #since()} when the subscription starts with live events. */
    public static final long LIVE = -1;

    private final List<String> patterns;
    private final ObjectNode filters;
    private final List<String> events;
    private final long since;
    private final boolean allowPurgedGap;

    private SubscribeSpec(Builder builder) {
        this.patterns = List.copyOf(builder.patterns);
        this.filters = builder.filters.deepCopy();
        this.events = List.copyOf(builder.events);
        this.since = builder.since;
        this.allowPurgedGap = builder.allowPurgedGap;
    }

    /**
     * A subscription to live events of some patterns, without filters.
     *
     * @param patterns one or more patterns, e.g. {@code task:*}
     * @return the spec
     */
    public static SubscribeSpec of(String... patterns) {
        return builder().patterns(patterns).build();
    }

    /**
     * A builder. Defaults: no filters, no event types (every event of the patterns), {@link #LIVE} (no
     * {@code since}), and a purged gap fails the subscription.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The patterns.
     *
     * @return the patterns, immutable, never empty
     */
    public List<String> patterns() {
        return patterns;
    }

    /**
     * The {@code filters} object of the request.
     *
     * @return a copy, empty when there are no filters
     */
    public ObjectNode filters() {
        return filters.deepCopy();
    }

    /**
     * The {@code events} of the request.
     *
     * @return the event types, immutable, empty for all
     */
    public List<String> events() {
        return events;
    }

    /**
     * The seq after which events are wanted.
     *
     * @return the seq, or {@link #LIVE}
     */
    public long since() {
        return since;
    }

    /**
     * Whether a gap of events purged by the gateway's retention is accepted instead of failing.
     *
     * @return true to continue after the gap
     */
    public boolean allowPurgedGap() {
        return allowPurgedGap;
    }

    @Override
    public String toString() {
        return "SubscribeSpec" + patterns + (filters.isEmpty() ? "" : " filters " + filters)
            + (events.isEmpty() ? "" : " events " + events) + (since == LIVE ? "" : " since " + since);
    }

    /** Builds a {@link SubscribeSpec}; every setter returns this builder, and {@link #build()} checks it. */
    public static final class Builder {
        private final List<String> patterns = new ArrayList<>();
        private final ObjectNode filters = JsonNodeFactory.instance.objectNode();
        private final List<String> events = new ArrayList<>();
        private long since = LIVE;
        private boolean allowPurgedGap;

        private Builder() {
        }

        /**
         * Adds patterns (PROTOCOL.md section 2: {@code *}, {@code task:*}, {@code stream:Stream-*},
         * {@code task:T-1}); the gateway validates them and fails the subscription with
         * {@link ErrorCode#WS_INVALID_TOPIC} for a bad one.
         *
         * @param patterns the patterns
         * @return this builder
         */
        public Builder patterns(String... patterns) {
            return patterns(Arrays.asList(patterns));
        }

        /**
         * Adds patterns.
         *
         * @param patterns the patterns
         * @return this builder
         */
        public Builder patterns(List<String> patterns) {
            for (String p : patterns) {
                Objects.requireNonNull(p, "a pattern must not be null");
                if (p.isEmpty() || p.indexOf(',') >= 0) {
                    throw new IllegalArgumentException("invalid pattern '" + p
                        + "': use *, entity:id, entity:* or entity:prefix*");
                }
                if (!this.patterns.contains(p)) {
                    this.patterns.add(p);
                }
            }
            return this;
        }

        /**
         * Keeps only events whose {@code data} has a top-level field equal to one of the values (PROTOCOL.md
         * section 4, {@code filters}); several filters must all match.
         *
         * @param field the top-level field of {@code data}
         * @param anyOf one or more scalars: strings, numbers, booleans or null
         * @return this builder
         */
        public Builder filter(String field, @Nullable Object... anyOf) {
            Objects.requireNonNull(field, "field");
            if (anyOf == null || anyOf.length == 0) {
                throw new IllegalArgumentException("filter '" + field + "' needs at least one value");
            }
            ArrayNode values = JsonNodeFactory.instance.arrayNode();
            for (Object v : anyOf) {
                values.add(scalar(field, v));
            }
            filters.set(field, values.size() == 1 ? values.get(0) : values);
            return this;
        }

        private static JsonNode scalar(String field, @Nullable Object v) {
            JsonNodeFactory f = JsonNodeFactory.instance;
            if (v == null) {
                return f.nullNode();
            }
            if (v instanceof String s) {
                return f.textNode(s);
            }
            if (v instanceof Boolean b) {
                return f.booleanNode(b);
            }
            if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                return f.numberNode(((Number) v).longValue());
            }
            if (v instanceof Double || v instanceof Float) {
                return f.numberNode(((Number) v).doubleValue());
            }
            if (v instanceof BigDecimal d) {
                return f.numberNode(d);
            }
            if (v instanceof BigInteger i) {
                return f.numberNode(i);
            }
            throw new IllegalArgumentException("filter '" + field + "' values must be strings, numbers, booleans or"
                + " null, not " + v.getClass().getName());
        }

        /**
         * Keeps only events of these types; an entry may end in {@code *} ({@code task.*}).
         *
         * @param eventTypes the types
         * @return this builder
         */
        public Builder events(String... eventTypes) {
            for (String t : eventTypes) {
                Objects.requireNonNull(t, "an event type must not be null");
                int star = t.indexOf('*');
                if (t.isEmpty() || (star >= 0 && star != t.length() - 1)) {
                    throw new IllegalArgumentException("invalid event type '" + t + "': a type may only end in *");
                }
                if (!events.contains(t)) {
                    events.add(t);
                }
            }
            return this;
        }

        /**
         * Starts after a seq: every retained event with a greater seq is replayed first, then live events follow.
         * Default: {@link #LIVE}, live events only.
         *
         * @param since the last seq already processed, at least 0
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
         * What to do when events the subscription needs were already purged by retention ({@code recovered: false}
         * on a resume, {@code truncated} on a resync). Default false: the {@code Flux} fails with
         * {@link ErrorCode#EVENTS_PURGED}, since continuing would silently skip events. True continues with the
         * oldest retained event.
         *
         * @param allow true to accept such a gap
         * @return this builder
         */
        public Builder allowPurgedGap(boolean allow) {
            this.allowPurgedGap = allow;
            return this;
        }

        /**
         * Builds the spec.
         *
         * @return the spec
         * @throws IllegalArgumentException when no pattern was given
         */
        public SubscribeSpec build() {
            if (patterns.isEmpty()) {
                throw new IllegalArgumentException("a subscription needs at least one pattern, e.g. task:*");
            }
            return new SubscribeSpec(this);
        }
    }
}
