package io.eventgateway.server.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code log.*}: how the gateway logs (Logback on standard error). At {@code info} it says only what an operator
 * needs: the configuration summary at start, stop, and warnings; one line per connection opened or closed comes
 * at {@code debug}. Event payloads are never logged, at any level.
 *
 * @param format {@code log.format}, default {@link #TEXT}: one human-readable line per record; {@link #JSON} writes
 *     one JSON object per line for log shippers (Logback's {@code JsonEncoder})
 * @param level {@code log.level}, default {@code info}: the gateway's own level, one of {@link #LEVELS} (any
 *     case); Netty and Reactor stay at {@code warn} whatever it is
 */
public record LogConfig(String format, String level) {

    /** {@code log.format} of one human-readable line per record. */
    public static final String TEXT = "text";
    /** {@code log.format} of one JSON object per line. */
    public static final String JSON = "json";
    /** The accepted {@code log.level} values, from the most verbose. */
    public static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    /** Validates both keys, and keeps them in lower case. */
    public LogConfig {
        Objects.requireNonNull(format, "log.format must not be null");
        Objects.requireNonNull(level, "log.level must not be null");
        format = format.trim().toLowerCase(Locale.ROOT);
        level = level.trim().toLowerCase(Locale.ROOT);
        if (!format.equals(TEXT) && !format.equals(JSON)) {
            throw new IllegalArgumentException("log.format must be text or json, got '" + format + "'");
        }
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException("log.level must be one of " + String.join(", ", LEVELS) + ", got '"
                + level + "'");
        }
    }

    /**
     * The defaults.
     *
     * @return text lines at info
     */
    public static LogConfig defaults() {
        return new LogConfig(TEXT, "info");
    }

    /**
     * A copy with another format.
     *
     * @param format {@link #TEXT} (default) or {@link #JSON}
     * @return the copy
     */
    public LogConfig withFormat(String format) {
        return new LogConfig(format, level);
    }

    /**
     * A copy with another level.
     *
     * @param level one of {@link #LEVELS}, default {@code info}
     * @return the copy
     */
    public LogConfig withLevel(String level) {
        return new LogConfig(format, level);
    }
}
