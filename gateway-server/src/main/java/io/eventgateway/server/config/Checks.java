package io.eventgateway.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Checks used by the records' compact constructors. Every message names the PROTOCOL.md key and the allowed range,
 * so that {@link ConfigLoader} can pass it on unchanged as the one line the operator reads.
 */
final class Checks {

    private Checks() {
    }

    static int range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static long atLeast(String key, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(key + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    static String notBlank(String key, String value) {
        Objects.requireNonNull(value, key + " must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(key + " must not be empty");
        }
        return value;
    }

    static Duration positive(String key, Duration value) {
        Objects.requireNonNull(value, key + " must not be null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration (e.g. 30s), got " + format(value));
        }
        return value;
    }

    static Duration between(String key, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, key + " must not be null");
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + " must be between " + format(min) + " and " + format(max)
                + ", got " + format(value));
        }
        return value;
    }

    /** Copies a list (immutable, as records must be), rejecting a null list or a null entry by key. */
    static List<String> strings(String key, List<String> value) {
        Objects.requireNonNull(value, key + " must not be null");
        for (String item : value) {
            Objects.requireNonNull(item, key + " must not contain null");
        }
        return List.copyOf(value);
    }

    /**
     * A duration as the operator writes it: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, using
     * the largest unit that divides it exactly, or ISO-8601 when it has a fraction of a millisecond.
     */
    static String format(Duration value) {
        if (value.isZero()) {
            return "0ms";
        }
        if (value.getNano() % 1_000_000 != 0) {
            return value.toString();
        }
        long millis = value.toMillis();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis % sizes[i] == 0) {
                return millis / sizes[i] + units[i];
            }
        }
        return millis + "ms";
    }
}
