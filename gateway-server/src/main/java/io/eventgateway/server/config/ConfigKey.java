package io.eventgateway.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configuration key: its name ({@code ws.buffer-size}), value type, default as text, description, and how
 * a parsed value is applied to a {@link GatewayConfig}.
 *
 * @param name the key, as written in flags and YAML
 * @param type how its text is parsed
 * @param defaultText the default, as shown by {@code --help}
 * @param description one line for {@code --help}
 * @param apply returns a copy of the configuration with the value set
 */
public record ConfigKey(String name, Type type, String defaultText, String description,
                        BiFunction<GatewayConfig, Object, GatewayConfig> apply) {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    /** The value types a key can have. */
    public enum Type {
        /** A decimal integer. */
        INT("an integer"),
        /** A decimal long integer. */
        LONG("an integer"),
        /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, or ISO-8601 {@code PT30S}. */
        DURATION("a duration like 500ms, 30s, 5m, 2h or 7d"),
        /** {@code true} or {@code false}. */
        BOOLEAN("true or false"),
        /** Any text. */
        STRING("a string"),
        /** Comma-separated values. */
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
     * The environment variable form: {@code GATEWAY_WS_BUFFER_SIZE}.
     *
     * @return the variable name
     */
    public String envName() {
        return "GATEWAY_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Parses a value of this key's type.
     *
     * @param raw the text
     * @return an Integer, Long, Duration, Boolean, String or List of String
     * @throws IllegalArgumentException when the text is not of the type
     */
    public Object parse(String raw) {
        String text = raw.trim();
        switch (type) {
            case INT:
                return Integer.parseInt(text);
            case LONG:
                return Long.parseLong(text);
            case BOOLEAN:
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(text);
                }
                throw new IllegalArgumentException(text);
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

    static Duration parseDuration(String text) {
        if (text.startsWith("P") || text.startsWith("p")) {
            return Duration.parse(text);
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(text);
        }
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
    }
}
