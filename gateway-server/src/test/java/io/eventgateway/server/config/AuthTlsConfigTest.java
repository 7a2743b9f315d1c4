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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code auth.*} and {@code server.tls.*}: defaults, validation, and every source of the loader. */
class AuthTlsConfigTest {

    @TempDir
    Path dir;

    @Test
    void authIsOffAndTlsUnsetByDefault() {
        GatewayConfig defaults = GatewayConfig.defaults();

        assertThat(defaults.auth()).isEqualTo(AuthConfig.defaults());
        assertThat(defaults.auth().enabled()).isFalse();
        assertThat(defaults.auth().mode()).isEqualTo("none");
        assertThat(defaults.auth().refreshWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.server().tls().enabled()).isFalse();
        assertThat(new GatewayConfig(defaults.server(), defaults.ws(), defaults.store()).auth())
            .isEqualTo(AuthConfig.defaults());
    }

    @Test
    void theModeIsOneOfThreeInAnyCase() {
        assertThat(AuthConfig.defaults().withMode(" JWT ").mode()).isEqualTo("jwt");
        assertThat(AuthConfig.defaults().withMode("api-key").enabled()).isTrue();
        assertThatThrownBy(() -> AuthConfig.defaults().withMode("basic"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("auth.mode must be one of none, api-key, jwt, got 'basic'");
    }

    @Test
    void theRefreshWindowIsBetweenOneSecondAndOneHour() {
        assertThat(AuthConfig.defaults().withRefreshWindow(Duration.ofSeconds(1)).refreshWindow())
            .isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> AuthConfig.defaults().withRefreshWindow(Duration.ofMillis(500)))
            .hasMessageContaining("auth.refresh-window must be between 1s and 1h");
        assertThatThrownBy(() -> AuthConfig.defaults().withRefreshWindow(Duration.ofHours(2)))
            .hasMessageContaining("auth.refresh-window");
    }

    @Test
    void theSecretIsNeverPrinted() {
        GatewayConfig config = GatewayConfig.defaults().withAuth(AuthConfig.defaults().withMode("jwt")
            .withJwtSecret("super-secret-value-that-must-not-leak"));

        assertThat(config.toString()).doesNotContain("super-secret-value").contains("jwtSecret=****");
        assertThat(AuthConfig.defaults().toString()).contains("jwtSecret=,");
    }

    @Test
    void everyKeyIsReadFromFlagsEnvironmentAndNestedYaml() throws IOException {
        Path yaml = Files.writeString(dir.resolve("gateway.yml"), "server:\n  tls:\n    certificate: /etc/gw/cert.pem\n"
            + "    private-key: /etc/gw/key.pem\nauth:\n  mode: jwt\n  jwt:\n    jwks-file: /etc/gw/jwks.json\n"
            + "    issuer: https://issuer.example\n  refresh-window: 1m\n", StandardCharsets.UTF_8);

        GatewayConfig config = ConfigLoader.load(List.of("--config", yaml.toString(), "--auth.jwt.audience=gw"),
            Map.of("GATEWAY_AUTH_JWT_SECRET_FILE", "/run/secrets/jwt", "GATEWAY_AUTH_API_KEYS_FILE", "keys.yml"))
            .config();

        assertThat(config.server().tls()).isEqualTo(new TlsConfig("/etc/gw/cert.pem", "/etc/gw/key.pem"));
        assertThat(config.auth()).isEqualTo(new AuthConfig("jwt", "keys.yml", "", "/run/secrets/jwt",
            "/etc/gw/jwks.json", "https://issuer.example", "gw", Duration.ofMinutes(1)));
    }

    @Test
    void theHelpListsTheNewKeysWithTheirEnvironmentVariables() {
        String help = ConfigLoader.helpText();

        assertThat(help).contains("server.tls.certificate", "GATEWAY_SERVER_TLS_PRIVATE_KEY", "auth.mode",
            "GATEWAY_AUTH_JWT_JWKS_FILE", "auth.refresh-window");
    }
}
