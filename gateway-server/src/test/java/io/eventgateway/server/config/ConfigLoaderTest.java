package io.eventgateway.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void noArgumentsAndNoEnvironmentGiveTheDefaults() {
        ConfigLoader.Result result = ConfigLoader.load(List.of(), Map.of());

        assertThat(result.helpRequested()).isFalse();
        assertThat(result.config()).isEqualTo(GatewayConfig.defaults());
    }

    @Test
    void nestedYamlFileOverridesTheDefaults() throws IOException {
        Path file = yaml("server:\n  port: 8081\n  allowed-hosts: [gw.example, other.example]\n"
            + "ws:\n  buffer-size: 10\n  idle-timeout: 90s\n  compression: true\n"
            + "store:\n  url: 'memory:'\n  retention-age: 2h\n");

        GatewayConfig config = load(Map.of(), "--config", file.toString());

        assertThat(config.server().port()).isEqualTo(8081);
        assertThat(config.server().allowedHosts()).containsExactly("gw.example", "other.example");
        assertThat(config.ws().bufferSize()).isEqualTo(10);
        assertThat(config.ws().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.ws().compression()).isTrue();
        assertThat(config.store().url()).isEqualTo("memory:");
        assertThat(config.store().retentionAge()).isEqualTo(Duration.ofHours(2));
        assertThat(config.ws().maxSubscriptions()).isEqualTo(50);
    }

    @Test
    void flatDottedYamlKeysAndMixedFormsAreFlattenedAlike() throws IOException {
        Path file = yaml("ws.buffer-size: 10\nws.allowed-origins: 'https://a.example,https://b.example'\n"
            + "store:\n  retention-events: 500\nserver.shutdown-timeout: PT3S\n");

        GatewayConfig config = load(Map.of(), "--config=" + file);

        assertThat(config.ws().bufferSize()).isEqualTo(10);
        assertThat(config.ws().allowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(config.store().retentionEvents()).isEqualTo(500);
        assertThat(config.server().shutdownTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void emptyYamlFileAndEmptySectionsChangeNothing() throws IOException {
        assertThat(load(Map.of(), "--config", yaml("").toString())).isEqualTo(GatewayConfig.defaults());
        assertThat(load(Map.of(), "--config", yaml("# nothing yet\nws:\nstore:\n").toString()))
            .isEqualTo(GatewayConfig.defaults());
    }

    @Test
    void configFileMayBeNamedByGatewayConfigButTheFlagWins() throws IOException {
        Path fromEnv = yaml("ws.buffer-size: 11\n");
        Path fromFlag = yaml("ws.buffer-size: 22\n");

        assertThat(load(Map.of("GATEWAY_CONFIG", fromEnv.toString())).ws().bufferSize()).isEqualTo(11);
        assertThat(load(Map.of("GATEWAY_CONFIG", fromEnv.toString()), "--config", fromFlag.toString())
            .ws().bufferSize()).isEqualTo(22);
    }

    @Test
    void environmentOverridesTheFile() throws IOException {
        Path file = yaml("ws:\n  buffer-size: 10\n  rate-limit: 5\n");

        GatewayConfig config = load(Map.of("GATEWAY_CONFIG", file.toString(), "GATEWAY_WS_BUFFER_SIZE", "20"));

        assertThat(config.ws().bufferSize()).isEqualTo(20);
        assertThat(config.ws().rateLimit()).isEqualTo(5);
    }

    @Test
    void flagsOverrideEnvironmentWhichOverridesFile() throws IOException {
        Path file = yaml("ws:\n  buffer-size: 10\n  max-subscriptions: 10\n  rate-burst: 10\n");
        Map<String, String> env = Map.of("GATEWAY_WS_BUFFER_SIZE", "20", "GATEWAY_WS_MAX_SUBSCRIPTIONS", "20");

        GatewayConfig config = load(env, "--config", file.toString(), "--ws.buffer-size=30");

        assertThat(config.ws().bufferSize()).isEqualTo(30);
        assertThat(config.ws().maxSubscriptions()).isEqualTo(20);
        assertThat(config.ws().rateBurst()).isEqualTo(10);
    }

    @Test
    void everyKeyCanBeSetFromTheEnvironment() {
        GatewayConfig config = load(Map.of("GATEWAY_SERVER_PORT", "0", "GATEWAY_SERVER_HOST", "0.0.0.0",
            "GATEWAY_WS_ALLOWED_ORIGINS", "*", "GATEWAY_WS_HEARTBEAT_INTERVAL", "500ms",
            "GATEWAY_STORE_IDEMPOTENCY_WINDOW", "1m", "GATEWAY_WS_COMPRESSION", "true"));

        assertThat(config.server().port()).isZero();
        assertThat(config.server().host()).isEqualTo("0.0.0.0");
        assertThat(config.ws().allowedOrigins()).containsExactly("*");
        assertThat(config.ws().heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.store().idempotencyWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.ws().compression()).isTrue();
    }

    @Test
    void foreignAndEmptyEnvironmentVariablesAreIgnored() {
        GatewayConfig config = load(Map.of("GATEWAY_WS_BUFER_SIZE", "oops", "GATEWAY_FOO", "bar", "PATH", "/bin",
            "GATEWAY_WS_BUFFER_SIZE", "", "GATEWAY_CONFIG", " "));

        assertThat(config).isEqualTo(GatewayConfig.defaults());
    }

    @Test
    void flagValueMayFollowAsTheNextArgumentAndTheLastRepeatWins() {
        GatewayConfig config = load(Map.of(), "--ws.buffer-size", "40", "--server.port=1", "--server.port", "2",
            "--store.url=memory:");

        assertThat(config.ws().bufferSize()).isEqualTo(40);
        assertThat(config.server().port()).isEqualTo(2);
        assertThat(config.store().url()).isEqualTo("memory:");
    }

    @Test
    void booleanFlagAloneMeansTrueAndMayTakeAnExplicitValue() {
        assertThat(load(Map.of(), "--ws.compression").ws().compression()).isTrue();
        assertThat(load(Map.of(), "--ws.compression", "--ws.buffer-size=5").ws().compression()).isTrue();
        assertThat(load(Map.of("GATEWAY_WS_COMPRESSION", "true"), "--ws.compression", "false").ws().compression())
            .isFalse();
    }

    @Test
    void helpFlagReturnsTheHelpTextInsteadOfAConfiguration() {
        for (String flag : List.of("--help", "-h")) {
            ConfigLoader.Result result = ConfigLoader.load(List.of("--ws.bufer-size=1", flag), Map.of());

            assertThat(result.helpRequested()).isTrue();
            assertThat(result.helpText()).isEqualTo(ConfigLoader.helpText());
            assertThatThrownBy(result::config).isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of()).helpText())
            .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void resultHoldsExactlyOneOfConfigurationAndHelp() {
        assertThat(ConfigLoader.Result.of(GatewayConfig.defaults()).helpRequested()).isFalse();
        assertThat(ConfigLoader.Result.help("text").helpRequested()).isTrue();
        assertThatThrownBy(() -> new ConfigLoader.Result(null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConfigLoader.Result(GatewayConfig.defaults(), "text"))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownFlagSuggestsTheNearestKey() {
        assertFails(() -> load(Map.of(), "--ws.bufer-size=10"))
            .hasMessage("unknown option '--ws.bufer-size' (did you mean --ws.buffer-size? see --help)");
        assertFails(() -> load(Map.of(), "--port", "8080"))
            .hasMessage("unknown option '--port' (did you mean --server.port? see --help)");
    }

    @Test
    void unknownFlagFarFromEveryKeyOnlyPointsToHelp() {
        assertFails(() -> load(Map.of(), "--frobnicate=1")).hasMessage("unknown option '--frobnicate' (see --help)");
    }

    @Test
    void nonOptionArgumentsAndMissingValuesAreRejected() {
        assertFails(() -> load(Map.of(), "serve"))
            .hasMessage("unexpected argument 'serve': options are --key=value or --key value (see --help)");
        assertFails(() -> load(Map.of(), "--ws.buffer-size"))
            .hasMessage("option '--ws.buffer-size' needs a value (e.g. --ws.buffer-size=1000)");
        assertFails(() -> load(Map.of(), "--ws.buffer-size", "--server.port=1"))
            .hasMessage("option '--ws.buffer-size' needs a value (e.g. --ws.buffer-size=1000)");
        assertFails(() -> load(Map.of(), "--config")).hasMessageStartingWith("option '--config' needs a value");
    }

    @Test
    void invalidFlagValueNamesTheFlagTheExpectedTypeAndAnExample() {
        assertFails(() -> load(Map.of(), "--ws.buffer-size=abc"))
            .hasMessage("invalid value 'abc' for --ws.buffer-size: expected an integer (e.g. --ws.buffer-size=1000)");
        assertFails(() -> load(Map.of(), "--ws.compression=yes"))
            .hasMessage("invalid value 'yes' for --ws.compression: expected true or false"
                + " (e.g. --ws.compression=true)");
    }

    @Test
    void invalidDurationSaysWhatADurationLooksLike() {
        assertFails(() -> load(Map.of(), "--ws.idle-timeout=30"))
            .hasMessageStartingWith("invalid value '30' for --ws.idle-timeout: expected a duration like 500ms, 30s, 5m")
            .hasMessageEndingWith("(e.g. --ws.idle-timeout=60s)");
    }

    @Test
    void invalidEnvironmentValueNamesTheVariableAndShowsAnExampleInTheSameForm() {
        assertFails(() -> load(Map.of("GATEWAY_WS_BUFFER_SIZE", "lots")))
            .hasMessage("invalid value 'lots' for GATEWAY_WS_BUFFER_SIZE: expected an integer"
                + " (e.g. GATEWAY_WS_BUFFER_SIZE=1000)");
    }

    @Test
    void invalidFileValueNamesTheKeyAndTheFile() throws IOException {
        Path file = yaml("ws:\n  heartbeat-interval: soon\n");

        assertFails(() -> load(Map.of(), "--config", file.toString()))
            .hasMessage("invalid value 'soon' for ws.heartbeat-interval in " + file
                + ": expected a duration like 500ms, 30s, 5m, 2h or 7d (e.g. ws.heartbeat-interval: 30s)");
    }

    @Test
    void outOfRangeValueNamesTheKeyTheRangeAndItsSource() throws IOException {
        assertFails(() -> load(Map.of(), "--ws.buffer-size=0"))
            .hasMessage("ws.buffer-size must be between 1 and 1000000, got 0 (from --ws.buffer-size=0)");
        assertFails(() -> load(Map.of("GATEWAY_SERVER_PORT", "70000")))
            .hasMessage("server.port must be between 0 and 65535, got 70000 (from GATEWAY_SERVER_PORT=70000)");
        Path file = yaml("store:\n  retention-age: 0s\n");
        assertFails(() -> load(Map.of(), "--config", file.toString()))
            .hasMessage("store.retention-age must be a positive duration (e.g. 30s), got 0ms"
                + " (from store.retention-age: 0s in " + file + ")");
    }

    @Test
    void unknownYamlKeyNamesTheFileAndSuggestsTheNearestKey() throws IOException {
        Path typo = yaml("ws:\n  bufer-size: 10\n");
        Path foreign = yaml("x:\n  y: 1\n");

        assertFails(() -> load(Map.of(), "--config", typo.toString()))
            .hasMessage("unknown key 'ws.bufer-size' in " + typo
                + " (did you mean ws.buffer-size? scripts/gateway --help lists every key)");
        assertFails(() -> load(Map.of(), "--config", foreign.toString()))
            .hasMessage("unknown key 'x.y' in " + foreign + " (remove it; scripts/gateway --help lists every key)");
    }

    @Test
    void missingConfigFileSaysItCannotBeRead() {
        Path missing = dir.resolve("nope.yml");

        assertFails(() -> load(Map.of(), "--config", missing.toString()))
            .hasMessage("cannot read config file '" + missing + "': no such file (check --config or GATEWAY_CONFIG)");
        assertFails(() -> load(Map.of("GATEWAY_CONFIG", missing.toString())))
            .hasMessageStartingWith("cannot read config file '" + missing + "': no such file");
    }

    @Test
    void directoryOrMalformedYamlCannotBeRead() throws IOException {
        Path broken = yaml("ws:\n  buffer-size: [1,\n");
        Path list = yaml("- a\n- b\n");

        assertFails(() -> load(Map.of(), "--config", dir.toString()))
            .hasMessageStartingWith("cannot read config file '" + dir + "': it is a directory");
        assertFails(() -> load(Map.of(), "--config", broken.toString()))
            .hasMessageStartingWith("cannot read config file '" + broken + "': not valid YAML at line ");
        assertFails(() -> load(Map.of(), "--config", list.toString()))
            .hasMessageStartingWith("config file '" + list + "' must be a map of keys");
    }

    @Test
    void yamlKeyWithoutValueOrWithNestedListItemsIsRejected() throws IOException {
        Path empty = yaml("ws:\n  buffer-size:\n");
        Path nested = yaml("ws:\n  allowed-origins:\n    - [a, b]\n");

        assertFails(() -> load(Map.of(), "--config", empty.toString()))
            .hasMessage("key 'ws.buffer-size' in " + empty
                + " has no value: write 'ws.buffer-size: VALUE' or remove it");
        assertFails(() -> load(Map.of(), "--config", nested.toString()))
            .hasMessageContaining("key 'ws.allowed-origins' in " + nested + " must be a list of plain values");
    }

    @Test
    void helpStartsWithUsageAndListsEveryKeyWithDefaultEnvironmentVariableAndDescription() {
        String help = ConfigLoader.helpText();

        assertThat(help).startsWith("Usage: scripts/gateway [--config FILE] [--key=value ...]\n");
        assertThat(help).contains("GATEWAY_CONFIG", "GATEWAY_<KEY>", "--config FILE", "--help");
        assertThat(help.lines().map(String::strip)).contains("ws:", "buffer-size: 1000", "store.url: 'memory:'");
        for (ConfigKey key : ConfigKeys.all()) {
            assertThat(help).contains(key.name(), key.defaultText(), key.envName(), key.description());
        }
    }

    @Test
    void helpTableColumnsAreAligned() {
        List<String> rows = ConfigLoader.helpText().lines()
            .filter(line -> ConfigKeys.all().stream().anyMatch(key -> line.startsWith("  " + key.name() + " ")))
            .toList();

        assertThat(rows).hasSize(ConfigKeys.all().size());
        for (int i = 0; i < rows.size(); i++) {
            ConfigKey key = ConfigKeys.all().get(i);
            assertThat(rows.get(i).indexOf(key.defaultText(), key.name().length() + 2))
                .isEqualTo(rows.get(0).indexOf(ConfigKeys.all().get(0).defaultText()));
            assertThat(rows.get(i).indexOf(key.envName())).isEqualTo(rows.get(0).indexOf("GATEWAY_"));
        }
    }

    private Path yaml(String text) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "gateway", ".yml"), text, StandardCharsets.UTF_8);
    }

    private static GatewayConfig load(Map<String, String> env, String... args) {
        return ConfigLoader.load(List.of(args), env).config();
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertFails(ThrowingCallable call) {
        return assertThatThrownBy(call).isInstanceOf(ConfigException.class)
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
