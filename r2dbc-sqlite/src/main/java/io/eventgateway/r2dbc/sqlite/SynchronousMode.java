package io.eventgateway.r2dbc.sqlite;

import java.util.Locale;

/**
 * SQLite's PRAGMA synchronous levels. NORMAL is durable across application crashes in WAL mode and the
 * default there; FULL also survives power loss.
 */
public enum SynchronousMode {
    /** {@code OFF}. */
    OFF,
    /** {@code NORMAL}. */
    NORMAL,
    /** {@code FULL}. */
    FULL,
    /** {@code EXTRA}. */
    EXTRA,
    ;

    /**
     * Parses a value case-insensitively, as given in a URL query or option.
     *
     * @param value the text or an instance of this enum
     * @return the constant
     * @throws IllegalArgumentException if unknown
     */
    public static SynchronousMode from(Object value) {
        if (value instanceof SynchronousMode m) {
            return m;
        }
        try {
            return valueOf(value.toString().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown SynchronousMode " + value + "; expected one of "
                + java.util.Arrays.toString(values()), e);
        }
    }
}
