package io.eventgateway.server.config;

import java.time.Duration;
import java.util.Objects;

/** Range checks that name the key, used by the records' compact constructors. */
final class Checks {

    private Checks() {
    }

    static int range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static long range(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static Duration positive(String key, Duration value) {
        Objects.requireNonNull(value, key + " must not be null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration, got " + value);
        }
        return value;
    }
}
