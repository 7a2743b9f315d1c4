package io.eventgateway.r2dbc.sqlite;

import java.util.Locale;

/**
 * SQLite's journal modes (PRAGMA journal_mode). WAL lets readers run while one writer commits; it is the
 * default for file databases.
 */
public enum JournalMode {
    /** {@code DELETE}. */
    DELETE,
    /** {@code TRUNCATE}. */
    TRUNCATE,
    /** {@code PERSIST}. */
    PERSIST,
    /** {@code MEMORY}. */
    MEMORY,
    /** {@code WAL}. */
    WAL,
    /** {@code OFF}. */
    OFF,
    ;

    /**
     * Parses a value case-insensitively, as given in a URL query or option.
     *
     * @param value the text or an instance of this enum
     * @return the constant
     * @throws IllegalArgumentException if unknown
     */
    public static JournalMode from(Object value) {
        if (value instanceof JournalMode m) {
            return m;
        }
        try {
            return valueOf(value.toString().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown JournalMode " + value + "; expected one of "
                + java.util.Arrays.toString(values()), e);
        }
    }
}
