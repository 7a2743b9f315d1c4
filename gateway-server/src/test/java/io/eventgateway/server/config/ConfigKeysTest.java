package io.eventgateway.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigKeysTest {

    @Test
    void allListsEveryProtocolKeyOnceInOrder() {
        assertThat(ConfigKeys.all()).extracting(ConfigKey::name).containsExactly(
            "server.host", "server.port", "server.max-connections", "server.allowed-hosts",
            "server.shutdown-timeout", "server.tls.certificate", "server.tls.private-key",
            "ws.buffer-size", "ws.max-subscriptions", "ws.heartbeat-interval",
            "ws.idle-timeout", "ws.max-message-bytes", "ws.rate-limit", "ws.rate-burst", "ws.allowed-origins",
            "ws.compression", "ws.write-delay", "store.url", "store.retention-events", "store.retention-age",
            "store.idempotency-window", "metrics.enabled", "log.format", "log.level", "auth.mode",
            "auth.api-keys-file", "auth.jwt.secret", "auth.jwt.secret-file", "auth.jwt.jwks-file", "auth.jwt.issuer",
            "auth.jwt.audience", "auth.refresh-window");
        assertThat(ConfigKeys.all()).doesNotHaveDuplicates();
    }

    @Test
    void findReturnsTheKeyOfANameOrNull() {
        assertThat(ConfigKeys.find("ws.buffer-size")).isSameAs(ConfigKeys.WS_BUFFER_SIZE);
        assertThat(ConfigKeys.find("ws.bufer-size")).isNull();
    }

    @Test
    void envNameIsUpperCaseWithDotsAndDashesAsUnderscores() {
        assertThat(ConfigKeys.WS_BUFFER_SIZE.envName()).isEqualTo("GATEWAY_WS_BUFFER_SIZE");
        assertThat(ConfigKeys.SERVER_PORT.envName()).isEqualTo("GATEWAY_SERVER_PORT");
        assertThat(ConfigKeys.STORE_IDEMPOTENCY_WINDOW.envName()).isEqualTo("GATEWAY_STORE_IDEMPOTENCY_WINDOW");
        assertThat(ConfigKeys.WS_BUFFER_SIZE.flag()).isEqualTo("--ws.buffer-size");
    }

    @Test
    void everyKeyHasADescriptionAndADefault() {
        for (ConfigKey key : ConfigKeys.all()) {
            assertThat(key.description()).as(key.name()).isNotBlank().doesNotContain("\n");
            assertThat(key.defaultText()).as(key.name()).isNotBlank();
        }
    }

    @Test
    void durationsAreParsedInEveryUnitAndInIso8601() {
        assertThat(ConfigKey.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigKey.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfigKey.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ConfigKey.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(ConfigKey.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(ConfigKey.parseDuration("0ms")).isEqualTo(Duration.ZERO);
        assertThat(ConfigKey.parseDuration(" 30 s ")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfigKey.parseDuration("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfigKey.parseDuration("pt1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(ConfigKey.parseDuration("P7D")).isEqualTo(Duration.ofDays(7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "abc", "1.5s", "30sec", "-5s", "s", "", "5 minutes", "PT", "99999999999999999999d",
        "9999999999999999d"})
    void malformedDurationsAreRejected(String text) {
        assertThatThrownBy(() -> ConfigKey.parseDuration(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void integersMayUseUnderscoresButNotFractions() {
        assertThat(ConfigKeys.STORE_RETENTION_EVENTS.parse("1_000_000")).isEqualTo(1_000_000L);
        assertThat(ConfigKeys.WS_BUFFER_SIZE.parse(" 10 ")).isEqualTo(10);
        assertThatThrownBy(() -> ConfigKeys.WS_BUFFER_SIZE.parse("1.5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfigKeys.WS_BUFFER_SIZE.parse("99999999999"))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfigKeys.WS_BUFFER_SIZE.parse("_1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void booleansAreTrueOrFalseInAnyCase() {
        assertThat(ConfigKeys.WS_COMPRESSION.parse("TRUE")).isEqualTo(true);
        assertThat(ConfigKeys.WS_COMPRESSION.parse("false")).isEqualTo(false);
        assertThatThrownBy(() -> ConfigKeys.WS_COMPRESSION.parse("yes")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listsAreCommaSeparatedTrimmedAndWithoutEmptyItems() {
        assertThat(ConfigKeys.WS_ALLOWED_ORIGINS.parse(" https://a.example , https://b.example,,"))
            .isEqualTo(List.of("https://a.example", "https://b.example"));
        assertThat(ConfigKeys.WS_ALLOWED_ORIGINS.parse("")).isEqualTo(List.of());
    }
}
