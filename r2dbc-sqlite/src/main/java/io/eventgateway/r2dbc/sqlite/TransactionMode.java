package io.eventgateway.r2dbc.sqlite;

import java.util.Locale;

/**
 * How BEGIN takes locks. DEFERRED (the default) locks on first access; IMMEDIATE takes the write lock at
 * BEGIN, which a single writer should use to avoid SQLITE_BUSY on lock upgrade; EXCLUSIVE also keeps readers
 * out in rollback-journal modes.
 */
public enum TransactionMode {
    /** {@code DEFERRED}. */
    DEFERRED,
    /** {@code IMMEDIATE}. */
    IMMEDIATE,
    /** {@code EXCLUSIVE}. */
    EXCLUSIVE,
    ;

    /**
     * Parses a value case-insensitively, as given in a URL query or option.
     *
     * @param value the text or an instance of this enum
     * @return the constant
     * @throws IllegalArgumentException if unknown
     */
    public static TransactionMode from(Object value) {
        if (value instanceof TransactionMode m) {
            return m;
        }
        try {
            return valueOf(value.toString().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown TransactionMode " + value + "; expected one of "
                + java.util.Arrays.toString(values()), e);
        }
    }
}
