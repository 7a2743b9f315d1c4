package io.eventgateway.server.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configuration key, after r2dbc-pool's {@code Option}: its name as written in YAML and flags
 * ({@code ws.buffer-size}), its value type, its default as {@code --help} shows it, a one-line description, and
 * how a parsed value is applied to a {@link GatewayConfig}. The constants live in {@link ConfigKeys}.
 *
 * @param name the key, as written in YAML and flags, e.g. {@code ws.buffer-size}
 * @param type how its text is parsed
 * @param defaultText the default, as {@code --help} shows it, e.g. {@code 1000}
 * @param description one line for {@code --help}
 * @param apply returns a copy of the configuration with the value set; the value is what {@link #parse} returns
 */
public record ConfigKey(String name, Type type, String defaultText, String description,
                        BiFunction<GatewayConfig, Object, GatewayConfig> apply) {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+(_\\d+)*");

    /** Rejects missing parts. */
    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultText, "defaultText");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(apply, "apply");
    }

    /** The value types a key can have. */
    public enum Type {
        /** A decimal integer, e.g. {@code 1000}; underscores between digits are allowed ({@code 1_000}). */
        INT("an integer"),
        /** A decimal long integer, written as {@link #INT}. */
        LONG("an integer"),
        /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, or ISO-8601 such as {@code PT30S}. */
        DURATION("a duration like 500ms, 30s, 5m, 2h or 7d"),
        /** {@code true} or {@code false}, in any case. */
        BOOLEAN("true or false"),
        /** Any text. */
        STRING("a string"),
        /** Comma-separated values ({@code a,b}); blanks around each are trimmed and empty ones dropped. */
        LIST("a comma-separated list");

        private final String expected;

        Type(String expected) {
            this.expected = expected;
        }

        /**
         * What a value of this type looks like, for error messages.
         *
         * @return e.g. {@code "an integer"}
         */
        public String expected() {
            return expected;
        }
    }

    /**
     * The flag form, without a value.
     *
     * @return e.g. {@code --ws.buffer-size}
     */
    public String flag() {
        return "--" + name;
    }

    /**
     * The environment variable form: {@code GATEWAY_} and the name in upper case, {@code .} and {@code -} becoming
     * {@code _}.
     *
     * @return e.g. {@code GATEWAY_WS_BUFFER_SIZE}
     */
    public String envName() {
        return "GATEWAY_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * A valid value to show in error messages: the default when it is a value, {@code true} for a boolean (whose
     * default is false), a sample for a list.
     *
     * @return e.g. {@code 1000}
     */
    public String example() {
        if (type == Type.BOOLEAN) {
            return "true";
        }
        if (type == Type.LIST) {
            return name.contains("origins") ? "https://app.example.com" : "gateway.example.com";
        }
        return defaultText.startsWith("(") ? "VALUE" : defaultText;
    }

    /**
     * Parses a value of this key's type; ranges are checked later, by the record the value is applied to.
     *
     * @param raw the text, e.g. {@code 30s}
     * @return an Integer, Long, Duration, Boolean, String or List of String, according to {@link #type()}
     * @throws IllegalArgumentException when the text is not of the type
     */
    public Object parse(String raw) {
        String text = raw.trim();
        switch (type) {
            case INT:
                return Integer.parseInt(integer(text));
            case LONG:
                return Long.parseLong(integer(text));
            case BOOLEAN:
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(text);
                }
                throw new IllegalArgumentException("not a boolean: " + text);
            case DURATION:
                return parseDuration(text);
            case LIST:
                List<String> values = new ArrayList<>();
                for (String part : text.split(",")) {
                    if (!part.isBlank()) {
                        values.add(part.trim());
                    }
                }
                return List.copyOf(values);
            default:
                return text;
        }
    }

    private static String integer(String text) {
        if (!INTEGER.matcher(text).matches()) {
            throw new IllegalArgumentException("not an integer: " + text);
        }
        return text.replace("_", "");
    }

    /**
     * Parses a duration: a whole number and a unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h},
     * {@code 7d}), or ISO-8601 ({@code PT30S}, {@code P7D}).
     *
     * @param raw the text
     * @return the duration; negative ones are only possible in ISO-8601 and rejected by the records
     * @throws IllegalArgumentException when the text is neither form
     */
    public static Duration parseDuration(String raw) {
        String text = raw.trim();
        if (text.startsWith("P") || text.startsWith("p") || text.startsWith("-P") || text.startsWith("-p")) {
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration: " + text, e);
            }
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        try {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                default:
                    return Duration.ofDays(n);
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("duration too long: " + text, e);
        }
    }
}
