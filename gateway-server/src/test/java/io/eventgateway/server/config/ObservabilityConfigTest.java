package io.eventgateway.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code metrics.*} and {@code log.*}: defaults, the three sources, and the one-line errors. */
class ObservabilityConfigTest {

    private static GatewayConfig load(Map<String, String> env, String... args) {
        return ConfigLoader.load(List.of(args), env).config();
    }

    @Test
    void metricsAreOnAndLogsAreTextAtInfoByDefault() {
        GatewayConfig defaults = GatewayConfig.defaults();

        assertThat(defaults.metrics()).isEqualTo(new MetricsConfig(true));
        assertThat(defaults.log()).isEqualTo(new LogConfig("text", "info"));
        assertThat(new GatewayConfig(defaults.server(), defaults.ws(), defaults.store())).isEqualTo(defaults);
    }

    @Test
    void flagsEnvironmentAndTheBareBooleanFlagSetTheKeys() {
        GatewayConfig fromFlags = load(Map.of(), "--metrics.enabled=false", "--log.format=json", "--log.level=DEBUG");
        GatewayConfig fromEnv = load(Map.of("GATEWAY_METRICS_ENABLED", "false", "GATEWAY_LOG_FORMAT", "JSON",
            "GATEWAY_LOG_LEVEL", "debug"));

        assertThat(fromFlags.metrics().enabled()).isFalse();
        assertThat(fromFlags.log()).isEqualTo(new LogConfig(LogConfig.JSON, "debug"));
        assertThat(fromEnv).isEqualTo(fromFlags);
        assertThat(load(Map.of("GATEWAY_METRICS_ENABLED", "false"), "--metrics.enabled").metrics().enabled())
            .as("a flag wins over the environment").isTrue();
    }

    @Test
    void anUnknownFormatOrLevelIsOneLineNamingTheKeyAndTheChoices() {
        assertThatThrownBy(() -> load(Map.of(), "--log.format=xml")).isInstanceOf(ConfigException.class)
            .hasMessage("log.format must be text or json, got 'xml' (from --log.format=xml)");
        assertThatThrownBy(() -> load(Map.of("GATEWAY_LOG_LEVEL", "verbose"))).isInstanceOf(ConfigException.class)
            .hasMessage("log.level must be one of trace, debug, info, warn, error, off, got 'verbose'"
                + " (from GATEWAY_LOG_LEVEL=verbose)");
        assertThatThrownBy(() -> load(Map.of(), "--metrics.enabled=yes")).isInstanceOf(ConfigException.class)
            .hasMessageContaining("--metrics.enabled").hasMessageContaining("true or false");
    }

    @Test
    void helpListsTheNewKeysWithTheirEnvironmentVariables() {
        String help = ConfigLoader.helpText();

        assertThat(help).contains("metrics.enabled").contains("GATEWAY_METRICS_ENABLED")
            .contains("log.format").contains("GATEWAY_LOG_FORMAT").contains("log.level")
            .contains("GATEWAY_LOG_LEVEL");
    }

    @Test
    void withMethodsChangeOnlyTheirSection() {
        GatewayConfig defaults = GatewayConfig.defaults();

        GatewayConfig changed = defaults.withMetrics(defaults.metrics().withEnabled(false))
            .withLog(defaults.log().withFormat("json").withLevel("warn"));

        assertThat(changed.server()).isEqualTo(defaults.server());
        assertThat(changed.ws()).isEqualTo(defaults.ws());
        assertThat(changed.store()).isEqualTo(defaults.store());
        assertThat(changed.metrics().enabled()).isFalse();
        assertThat(changed.log()).isEqualTo(new LogConfig("json", "warn"));
        assertThat(defaults.metrics().enabled()).isTrue();
    }
}
