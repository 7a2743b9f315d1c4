package io.eventgateway.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Loads the configuration: the defaults, then an optional YAML file ({@code --config FILE} or
 * {@code GATEWAY_CONFIG}), then environment variables {@code GATEWAY_<KEY>}, then flags {@code --key=value}
 * (or {@code --key value}); each source overrides the one before. Every problem is one {@link ConfigException}
 * line that names the key, the source and the fix.
 */
public final class ConfigLoader {

    /** The environment variable naming the YAML file. */
    public static final String CONFIG_ENV = "GATEWAY_CONFIG";

    private ConfigLoader() {
    }

    /**
     * What the command line asked for: a configuration to run with, or the help text.
     *
     * @param config the loaded configuration, or null when help was requested
     * @param helpText the help text, or null when a configuration was loaded
     */
    public record Result(@Nullable GatewayConfig config, @Nullable String helpText) {

        /**
         * Whether {@code --help} was given.
         *
         * @return true when the help text should be printed instead of starting
         */
        public boolean helpRequested() {
            return helpText != null;
        }

        /**
         * The configuration.
         *
         * @return it
         * @throws IllegalStateException when help was requested
         */
        @Override
        public GatewayConfig config() {
            if (config == null) {
                throw new IllegalStateException("help was requested");
            }
            return config;
        }
    }

    /**
     * Loads the configuration.
     *
     * @param args the process arguments
     * @param env the environment ({@code System.getenv()})
     * @return the configuration, or the help request
     * @throws ConfigException for any problem, with a one-line message
     */
    public static Result load(List<String> args, Map<String, String> env) {
        Map<String, String> flags = new LinkedHashMap<>();
        String file = env.get(CONFIG_ENV);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                return new Result(null, helpText());
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ConfigException("unexpected argument '" + arg + "': options are --key=value (see --help)");
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else {
                name = arg.substring(2);
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new ConfigException("option '--" + name + "' needs a value: --" + name + "=VALUE");
                }
                value = args.get(++i);
            }
            if (name.equals("config")) {
                file = value;
                continue;
            }
            flags.put(key(name, "option '--" + name + "'").name(), value);
        }
        GatewayConfig config = GatewayConfig.defaults();
        if (file != null && !file.isBlank()) {
            for (Map.Entry<String, String> entry : readYaml(Path.of(file)).entrySet()) {
                ConfigKey key = key(entry.getKey(), "key '" + entry.getKey() + "' in " + file);
                config = apply(config, key, entry.getValue(), key.name() + " in " + file);
            }
        }
        for (ConfigKey key : ConfigKeys.all()) {
            String value = env.get(key.envName());
            if (value != null) {
                config = apply(config, key, value, key.envName());
            }
        }
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            ConfigKey key = key(flag.getKey(), "option '--" + flag.getKey() + "'");
            config = apply(config, key, flag.getValue(), "--" + key.name());
        }
        return new Result(config, null);
    }

    private static GatewayConfig apply(GatewayConfig config, ConfigKey key, String raw, String source) {
        Object value;
        try {
            value = key.parse(raw);
        } catch (RuntimeException e) {
            throw new ConfigException("invalid value '" + raw + "' for " + source + ": expected "
                + key.type().expected() + " (e.g. --" + key.name() + "=" + example(key) + ")");
        }
        try {
            return key.apply().apply(config, value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException(e.getMessage() + " (from " + source + ")");
        }
    }

    private static String example(ConfigKey key) {
        return key.defaultText().startsWith("(") ? "a,b" : key.defaultText();
    }

    private static ConfigKey key(String name, String what) {
        for (ConfigKey key : ConfigKeys.all()) {
            if (key.name().equals(name)) {
                return key;
            }
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
        String hint = nearest != null && best <= 3 ? " (did you mean " + nearest + "?)" : "";
        throw new ConfigException("unknown " + what + hint + "; scripts/gateway --help lists every key");
    }

    /** Reads a YAML file of nested or dotted keys into dotted keys and text values. */
    static Map<String, String> readYaml(Path file) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException("cannot read config file '" + file + "': no such file");
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0];
            throw new ConfigException("cannot read config file '" + file + "': " + reason);
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (root == null || root.isNull() || root.isMissingNode()) {
            return values;
        }
        if (!root.isObject()) {
            throw new ConfigException("config file '" + file
                + "' must be a map of keys, e.g. 'ws: {buffer-size: 1000}'");
        }
        flatten("", root, values, file);
        return values;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(name, value, out, file);
            } else if (value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(item -> items.add(item.asText()));
                out.put(name, String.join(",", items));
            } else if (value.isNull()) {
                throw new ConfigException("key '" + name + "' in " + file + " has no value");
            } else {
                out.put(name, value.asText());
            }
        }
    }

    /**
     * The text {@code --help} prints: usage, then every key with its default and description.
     *
     * @return the help text
     */
    public static String helpText() {
        StringBuilder out = new StringBuilder();
        out.append("Usage: scripts/gateway [--config FILE] [--key=value ...]\n\n")
            .append("Starts the Event Gateway. Each key below can be set, lowest precedence first, in a YAML file\n")
            .append("(--config FILE or GATEWAY_CONFIG; nested 'ws: {buffer-size: 10}' or flat 'ws.buffer-size: 10'),\n")
            .append("as an environment variable (GATEWAY_WS_BUFFER_SIZE=10), or as a flag (--ws.buffer-size=10).\n")
            .append("Durations: 500ms, 30s, 5m, 2h, 7d. Lists: comma-separated.\n\n");
        int width = 0;
        for (ConfigKey key : ConfigKeys.all()) {
            width = Math.max(width, key.name().length());
        }
        int defaultWidth = 0;
        for (ConfigKey key : ConfigKeys.all()) {
            defaultWidth = Math.max(defaultWidth, key.defaultText().length());
        }
        out.append(String.format("  %-" + width + "s  %-" + defaultWidth + "s  %s%n", "key", "default", "what"));
        for (ConfigKey key : ConfigKeys.all()) {
            out.append(String.format("  %-" + width + "s  %-" + defaultWidth + "s  %s%n", key.name(),
                key.defaultText(), key.description()));
        }
        out.append("\n  --help  this text");
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
