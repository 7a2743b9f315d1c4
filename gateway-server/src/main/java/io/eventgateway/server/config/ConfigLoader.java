package io.eventgateway.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Loads the configuration from four sources, each overriding the one before:
 * <ol>
 *   <li>{@link GatewayConfig#defaults()};</li>
 *   <li>an optional YAML file named by {@code --config FILE} (or {@code --config=FILE}), else by the environment
 *       variable {@link #CONFIG_ENV}; keys nested ({@code ws: {buffer-size: 10}}) or flat
 *       ({@code ws.buffer-size: 10}), lists as YAML sequences or comma-separated;</li>
 *   <li>environment variables {@link ConfigKey#envName() GATEWAY_<KEY>}; an empty one counts as unset, and
 *       {@code GATEWAY_*} variables that name no key are ignored;</li>
 *   <li>flags {@code --key=value} or {@code --key value}; a boolean flag alone ({@code --ws.compression}) means
 *       true; the last of repeated flags wins.</li>
 * </ol>
 * Every problem is one {@link ConfigException} whose message names the key, where it came from, and the fix.
 * {@code --help} or {@code -h} anywhere returns {@link Result#help(String)} without reading anything else.
 */
public final class ConfigLoader {

    /** The environment variable naming the YAML file, used when there is no {@code --config} flag. */
    public static final String CONFIG_ENV = "GATEWAY_CONFIG";

    private static final String USAGE = "Usage: scripts/gateway [--config FILE] [--key=value ...]";

    private ConfigLoader() {
    }

    /**
     * What the command line asked for: either a configuration to start with ({@link #helpRequested()} false) or
     * the help text to print ({@link #helpRequested()} true). Exactly one of the two components is non-null, and
     * its accessor is the only one that may be called.
     *
     * @param config the loaded configuration, null when help was requested
     * @param helpText the text to print, null when a configuration was loaded
     */
    public record Result(@Nullable GatewayConfig config, @Nullable String helpText) {

        /** Checks that exactly one component is present. */
        public Result {
            if ((config == null) == (helpText == null)) {
                throw new IllegalArgumentException("a Result holds either a configuration or a help text");
            }
        }

        /**
         * A result that starts the gateway.
         *
         * @param config the configuration
         * @return the result
         */
        public static Result of(GatewayConfig config) {
            return new Result(Objects.requireNonNull(config, "config"), null);
        }

        /**
         * A result that prints the help text and exits 0.
         *
         * @param helpText the text
         * @return the result
         */
        public static Result help(String helpText) {
            return new Result(null, Objects.requireNonNull(helpText, "helpText"));
        }

        /**
         * Whether {@code --help} or {@code -h} was given.
         *
         * @return true when {@link #helpText()} should be printed instead of starting
         */
        public boolean helpRequested() {
            return helpText != null;
        }

        /**
         * The configuration to start with.
         *
         * @return it
         * @throws IllegalStateException when help was requested
         */
        @Override
        public GatewayConfig config() {
            if (config == null) {
                throw new IllegalStateException("help was requested: print helpText() instead");
            }
            return config;
        }

        /**
         * The text to print for {@code --help}: {@link ConfigLoader#helpText()}.
         *
         * @return it
         * @throws IllegalStateException when a configuration was loaded
         */
        @Override
        public String helpText() {
            if (helpText == null) {
                throw new IllegalStateException("help was not requested: use config()");
            }
            return helpText;
        }
    }

    /**
     * Where a value came from, to name it in messages and to show an example in the same form.
     *
     * @param where what an invalid value is "for": {@code --ws.buffer-size}, {@code GATEWAY_WS_BUFFER_SIZE} or
     *     {@code ws.buffer-size in FILE}
     * @param assignment the setting as written, for range errors: {@code --ws.buffer-size=0}
     * @param example a valid setting in the same form: {@code --ws.buffer-size=1000}
     */
    private record Source(String where, String assignment, String example) {

        static Source flag(ConfigKey key, String value) {
            return new Source(key.flag(), key.flag() + "=" + value, key.flag() + "=" + key.example());
        }

        static Source env(ConfigKey key, String value) {
            return new Source(key.envName(), key.envName() + "=" + value, key.envName() + "=" + key.example());
        }

        static Source file(ConfigKey key, String value, Path file) {
            return new Source(key.name() + " in " + file, key.name() + ": " + value + " in " + file,
                key.name() + ": " + key.example());
        }
    }

    /**
     * Loads the configuration.
     *
     * @param args the process arguments
     * @param env the environment ({@code System.getenv()})
     * @return the configuration, or the help request
     * @throws ConfigException for any problem, with a one-line message naming the key and the fix
     */
    public static Result load(List<String> args, Map<String, String> env) {
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(env, "env");
        if (args.contains("--help") || args.contains("-h")) {
            return Result.help(helpText());
        }
        Map<ConfigKey, String> flags = new LinkedHashMap<>();
        String file = env.get(CONFIG_ENV);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ConfigException("unexpected argument '" + arg
                    + "': options are --key=value or --key value (see --help)");
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(2, eq) : arg.substring(2);
            String value = eq > 0 ? arg.substring(eq + 1) : null;
            ConfigKey key = name.equals("config") ? null : flagKey(name);
            if (value == null) {
                String next = i + 1 < args.size() ? args.get(i + 1) : null;
                if (key != null && key.type() == ConfigKey.Type.BOOLEAN) {
                    boolean explicit = next != null
                        && (next.equalsIgnoreCase("true") || next.equalsIgnoreCase("false"));
                    value = explicit ? next : "true";
                    i += explicit ? 1 : 0;
                } else if (next == null || next.startsWith("--")) {
                    String example = key == null ? "--config=gateway.yml" : key.flag() + "=" + key.example();
                    throw new ConfigException("option '--" + name + "' needs a value (e.g. " + example + ")");
                } else {
                    value = next;
                    i++;
                }
            }
            if (key == null) {
                file = value;
            } else {
                flags.remove(key);
                flags.put(key, value);
            }
        }
        GatewayConfig config = GatewayConfig.defaults();
        if (file != null && !file.isBlank()) {
            Path path = Path.of(file.trim());
            for (Map.Entry<String, String> entry : readYaml(path).entrySet()) {
                ConfigKey key = fileKey(entry.getKey(), path);
                config = apply(config, key, entry.getValue(), Source.file(key, entry.getValue(), path));
            }
        }
        for (ConfigKey key : ConfigKeys.all()) {
            String value = env.get(key.envName());
            if (value != null && !value.isBlank()) {
                config = apply(config, key, value, Source.env(key, value));
            }
        }
        for (Map.Entry<ConfigKey, String> flag : flags.entrySet()) {
            config = apply(config, flag.getKey(), flag.getValue(), Source.flag(flag.getKey(), flag.getValue()));
        }
        return Result.of(config);
    }

    private static GatewayConfig apply(GatewayConfig config, ConfigKey key, String raw, Source source) {
        Object value;
        try {
            value = key.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid value '" + raw.trim() + "' for " + source.where() + ": expected "
                + key.type().expected() + " (e.g. " + source.example() + ")");
        }
        try {
            return key.apply().apply(config, value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException(e.getMessage() + " (from " + source.assignment() + ")");
        }
    }

    private static ConfigKey flagKey(String name) {
        ConfigKey key = ConfigKeys.find(name);
        if (key != null) {
            return key;
        }
        String nearest = nearest(name);
        throw new ConfigException("unknown option '--" + name + "' ("
            + (nearest == null ? "" : "did you mean --" + nearest + "? ") + "see --help)");
    }

    private static ConfigKey fileKey(String name, Path file) {
        ConfigKey key = ConfigKeys.find(name);
        if (key != null) {
            return key;
        }
        String nearest = nearest(name);
        throw new ConfigException("unknown key '" + name + "' in " + file + " ("
            + (nearest == null ? "remove it; " : "did you mean " + nearest + "? ")
            + "scripts/gateway --help lists every key)");
    }

    /**
     * The key a mistyped name most likely meant: the only key whose last part it is ({@code port} for
     * {@code server.port}), else the nearest by edit distance when that is at most 3 and less than half the name.
     */
    static @Nullable String nearest(String name) {
        String suffixMatch = null;
        int suffixMatches = 0;
        for (ConfigKey key : ConfigKeys.all()) {
            if (key.name().endsWith("." + name)) {
                suffixMatch = key.name();
                suffixMatches++;
            }
        }
        if (suffixMatches == 1) {
            return suffixMatch;
        }
        String nearest = null;
        int best = Integer.MAX_VALUE;
        for (ConfigKey key : ConfigKeys.all()) {
            int d = distance(name, key.name());
            if (d < best) {
                best = d;
                nearest = key.name();
            }
        }
        return best <= 3 && best * 2 < name.length() ? nearest : null;
    }

    /** Reads a YAML file of nested or dotted keys into dotted keys and text values, in file order. */
    static Map<String, String> readYaml(Path file) {
        JsonNode root;
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException("cannot read config file '" + file + "': it is a directory"
                    + " (give a YAML file to --config or GATEWAY_CONFIG)");
            }
            root = new YAMLMapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw cannotRead(file, "no such file");
        } catch (AccessDeniedException e) {
            throw cannotRead(file, "permission denied");
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String line = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr();
            throw cannotRead(file, "not valid YAML" + line + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw cannotRead(file, firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (root == null || root.isNull() || root.isMissingNode()) {
            return values;
        }
        if (!root.isObject()) {
            throw new ConfigException("config file '" + file
                + "' must be a map of keys, e.g. 'ws: {buffer-size: 1000}' or 'ws.buffer-size: 1000'");
        }
        flatten("", root, values, file);
        return values;
    }

    private static ConfigException cannotRead(Path file, String reason) {
        return new ConfigException("cannot read config file '" + file + "': " + reason
            + " (check --config or " + CONFIG_ENV + ")");
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).trim();
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(name, value, out, file);
            } else if (value.isArray()) {
                List<String> items = new ArrayList<>();
                for (JsonNode item : value) {
                    if (item.isContainerNode() || item.isNull()) {
                        throw new ConfigException("key '" + name + "' in " + file
                            + " must be a list of plain values, e.g. '" + name + ": [a, b]'");
                    }
                    items.add(item.asText());
                }
                out.put(name, String.join(",", items));
            } else if (value.isNull()) {
                if (!isSection(name)) {
                    throw new ConfigException("key '" + name + "' in " + file + " has no value: write '" + name
                        + ": VALUE' or remove it");
                }
            } else {
                out.put(name, value.asText());
            }
        }
    }

    /** Whether a name is a group of keys ({@code ws}), which YAML may leave empty. */
    private static boolean isSection(String name) {
        for (ConfigKey key : ConfigKeys.all()) {
            if (key.name().startsWith(name + ".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The text {@code --help} prints: the usage line, how the sources override each other, the YAML and
     * environment forms, then a table of every key of {@link ConfigKeys#all()} with its default, environment
     * variable and description.
     *
     * @return the help text, starting with {@code Usage: scripts/gateway [--config FILE] [--key=value ...]}
     */
    public static String helpText() {
        int keyWidth = "KEY".length();
        int defaultWidth = "DEFAULT".length();
        for (ConfigKey key : ConfigKeys.all()) {
            keyWidth = Math.max(keyWidth, key.name().length());
            defaultWidth = Math.max(defaultWidth, key.defaultText().length());
        }
        String row = "  %-" + keyWidth + "s  %-" + defaultWidth + "s  %s%n";
        String indent = " ".repeat(keyWidth + 4);
        StringBuilder out = new StringBuilder();
        out.append(USAGE).append("\n\n")
            .append("Starts the Event Gateway. Each key below is read from these sources, each overriding the one\n")
            .append("before:\n")
            .append("  1. its default;\n")
            .append("  2. a YAML file: --config FILE, or " + CONFIG_ENV + "=FILE, with nested or flat (dotted) keys:\n")
            .append("         ws:\n")
            .append("           buffer-size: 1000\n")
            .append("           allowed-origins: [https://a.example, https://b.example]\n")
            .append("         store.url: 'memory:'\n")
            .append("  3. an environment variable GATEWAY_<KEY>: the key in upper case, '.' and '-' become '_'\n")
            .append("     (GATEWAY_WS_BUFFER_SIZE=1000; empty = unset);\n")
            .append("  4. a flag --key=value or --key value (--ws.buffer-size=1000).\n")
            .append("Durations: 500ms, 30s, 5m, 2h, 7d (or ISO-8601 PT30S). Lists: comma-separated a,b (or a YAML\n")
            .append("sequence). Booleans: true or false.\n\n")
            .append("Keys:\n")
            .append(String.format(row, "KEY", "DEFAULT", "ENVIRONMENT VARIABLE"));
        for (ConfigKey key : ConfigKeys.all()) {
            out.append(String.format(row, key.name(), key.defaultText(), key.envName()))
                .append(indent).append(key.description()).append('\n');
        }
        out.append("\nOptions:\n")
            .append("  --config FILE   read keys from this YAML file (or " + CONFIG_ENV + "=FILE)\n")
            .append("  -h, --help      print this text and exit\n");
        return out.toString();
    }

    /** Levenshtein distance, for "did you mean". */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
