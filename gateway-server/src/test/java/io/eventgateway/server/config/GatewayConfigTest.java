package io.eventgateway.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    private static final ServerConfig SERVER = ServerConfig.defaults();
    private static final WsConfig WS = WsConfig.defaults();
    private static final StoreConfig STORE = StoreConfig.defaults();

    @Test
    void defaultsAreThoseOfProtocolMd() {
        GatewayConfig config = GatewayConfig.defaults();

        assertThat(config.server()).isEqualTo(new ServerConfig("127.0.0.1", 9090, 10_000, List.of(),
            Duration.ofSeconds(10)));
        assertThat(config.ws().bufferSize()).isEqualTo(1000);
        assertThat(config.ws().maxSubscriptions()).isEqualTo(50);
        assertThat(config.ws().heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.ws().idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.ws().maxMessageBytes()).isEqualTo(65_536);
        assertThat(config.ws().rateLimit()).isEqualTo(1000);
        assertThat(config.ws().rateBurst()).isEqualTo(2000);
        assertThat(config.ws().allowedOrigins()).isEmpty();
        assertThat(config.ws().compression()).isFalse();
        assertThat(config.ws().writeDelay()).isEqualTo(Duration.ZERO);
        assertThat(config.store()).isEqualTo(new StoreConfig("r2dbc:sqlite:./data/gateway.db", 1_000_000,
            Duration.ofDays(7), Duration.ofMinutes(5)));
    }

    @Test
    void defaultTextOfEveryKeyParsesToTheDefaultValue() {
        GatewayConfig defaults = GatewayConfig.defaults();
        for (ConfigKey key : ConfigKeys.all()) {
            String text = key.defaultText().startsWith("(") ? "" : key.defaultText();

            GatewayConfig applied = key.apply().apply(defaults, key.parse(text));

            assertThat(applied).as(key.name()).isEqualTo(defaults);
        }
    }

    @Test
    void nineComponentWsConstructorWritesAtOnce() {
        WsConfig ws = new WsConfig(1000, 50, Duration.ofSeconds(30), Duration.ofSeconds(60), 65_536, 1000, 2000,
            List.of(), false);

        assertThat(ws).isEqualTo(WsConfig.defaults());
    }

    @Test
    void withMethodsReturnChangedCopiesAndLeaveTheOriginalAlone() {
        GatewayConfig original = GatewayConfig.defaults();

        GatewayConfig changed = original.withServer(original.server().withPort(0))
            .withWs(original.ws().withBufferSize(10))
            .withStore(original.store().withUrl(StoreConfig.MEMORY));

        assertThat(changed.server().port()).isZero();
        assertThat(changed.ws().bufferSize()).isEqualTo(10);
        assertThat(changed.store().url()).isEqualTo("memory:");
        assertThat(original).isEqualTo(GatewayConfig.defaults());
        assertThat(changed).isNotSameAs(original);
    }

    @Test
    void serverWithMethodsChangeOnlyTheirComponent() {
        assertThat(SERVER.withHost("0.0.0.0")).isEqualTo(new ServerConfig("0.0.0.0", 9090, 10_000, List.of(),
            Duration.ofSeconds(10)));
        assertThat(SERVER.withPort(8080).port()).isEqualTo(8080);
        assertThat(SERVER.withMaxConnections(5).maxConnections()).isEqualTo(5);
        assertThat(SERVER.withAllowedHosts(List.of("*")).allowedHosts()).containsExactly("*");
        assertThat(SERVER.withShutdownTimeout(Duration.ofSeconds(3))).isEqualTo(new ServerConfig("127.0.0.1", 9090,
            10_000, List.of(), Duration.ofSeconds(3)));
        assertThat(SERVER).isEqualTo(ServerConfig.defaults());
    }

    @Test
    void wsWithMethodsChangeOnlyTheirComponent() {
        assertThat(WS.withBufferSize(7).bufferSize()).isEqualTo(7);
        assertThat(WS.withMaxSubscriptions(8).maxSubscriptions()).isEqualTo(8);
        assertThat(WS.withHeartbeatInterval(Duration.ofSeconds(1)).heartbeatInterval())
            .isEqualTo(Duration.ofSeconds(1));
        assertThat(WS.withIdleTimeout(Duration.ofSeconds(2)).idleTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(WS.withMaxMessageBytes(1024).maxMessageBytes()).isEqualTo(1024);
        assertThat(WS.withRateLimit(WsConfig.NO_RATE_LIMIT).rateLimit()).isZero();
        assertThat(WS.withRateBurst(3).rateBurst()).isEqualTo(3);
        assertThat(WS.withAllowedOrigins(List.of("https://a.example")).allowedOrigins())
            .containsExactly("https://a.example");
        assertThat(WS.withCompression(true).compression()).isTrue();
        assertThat(WS.withWriteDelay(Duration.ofMillis(2)).writeDelay()).isEqualTo(Duration.ofMillis(2));
        assertThat(WS.withBufferSize(7).withBufferSize(1000)).isEqualTo(WS);
        assertThat(WS).isEqualTo(WsConfig.defaults());
    }

    @Test
    void storeWithMethodsChangeOnlyTheirComponent() {
        assertThat(STORE.withUrl("memory:")).isEqualTo(new StoreConfig("memory:", 1_000_000, Duration.ofDays(7),
            Duration.ofMinutes(5)));
        assertThat(STORE.withRetentionEvents(5).retentionEvents()).isEqualTo(5);
        assertThat(STORE.withRetentionAge(Duration.ofHours(1)).retentionAge()).isEqualTo(Duration.ofHours(1));
        assertThat(STORE.withIdempotencyWindow(Duration.ofMinutes(1)).idempotencyWindow())
            .isEqualTo(Duration.ofMinutes(1));
        assertThat(STORE).isEqualTo(StoreConfig.defaults());
    }

    @Test
    void listsAreCopiedSoLaterChangesToTheArgumentDoNotLeakIn() {
        List<String> origins = new ArrayList<>(List.of("https://a.example"));

        WsConfig ws = WS.withAllowedOrigins(origins);
        origins.add("https://evil.example");

        assertThat(ws.allowedOrigins()).containsExactly("https://a.example");
        assertThatThrownBy(() -> ws.allowedOrigins().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void portZeroAndAnIdleTimeoutBelowTheHeartbeatAreAllowed() {
        assertThat(SERVER.withPort(ServerConfig.ANY_PORT).port()).isZero();
        assertThat(WS.withIdleTimeout(Duration.ofSeconds(5)).idleTimeout()).isLessThan(WS.heartbeatInterval());
    }

    @Test
    void compactConstructorsRejectOutOfRangeValuesNamingTheKeyAndTheRange() {
        assertRejected(() -> WS.withBufferSize(0), "ws.buffer-size must be between 1 and 1000000, got 0");
        assertRejected(() -> WS.withBufferSize(1_000_001), "ws.buffer-size must be between 1 and 1000000");
        assertRejected(() -> SERVER.withPort(65_536), "server.port must be between 0 and 65535, got 65536");
        assertRejected(() -> SERVER.withPort(-1), "server.port must be between 0 and 65535, got -1");
        assertRejected(() -> SERVER.withMaxConnections(0), "server.max-connections must be between 1 and");
        assertRejected(() -> SERVER.withHost(" "), "server.host must not be empty");
        assertRejected(() -> SERVER.withShutdownTimeout(Duration.ZERO),
            "server.shutdown-timeout must be a positive duration (e.g. 30s), got 0ms");
        assertRejected(() -> WS.withMaxSubscriptions(0), "ws.max-subscriptions must be between 1 and 100000, got 0");
        assertRejected(() -> WS.withHeartbeatInterval(Duration.ofSeconds(-1)),
            "ws.heartbeat-interval must be a positive duration (e.g. 30s), got -1s");
        assertRejected(() -> WS.withIdleTimeout(Duration.ZERO), "ws.idle-timeout must be a positive duration");
        assertRejected(() -> WS.withMaxMessageBytes(127), "ws.max-message-bytes must be between 128 and 16777216");
        assertRejected(() -> WS.withRateLimit(-1), "ws.rate-limit must be between 0 and 10000000, got -1");
        assertRejected(() -> WS.withRateBurst(0), "ws.rate-burst must be between 1 and 100000000, got 0");
        assertRejected(() -> WS.withWriteDelay(Duration.ofSeconds(2)),
            "ws.write-delay must be between 0ms and 1s, got 2s");
        assertRejected(() -> STORE.withUrl(""), "store.url must not be empty");
        assertRejected(() -> STORE.withRetentionEvents(0), "store.retention-events must be at least 1, got 0");
        assertRejected(() -> STORE.withRetentionAge(Duration.ZERO), "store.retention-age must be a positive");
        assertRejected(() -> STORE.withIdempotencyWindow(Duration.ofMillis(-5)),
            "store.idempotency-window must be a positive duration (e.g. 30s), got -5ms");
    }

    @Test
    void compactConstructorsRejectNullNamingTheKey() {
        assertNullRejected(() -> WS.withIdleTimeout(null), "ws.idle-timeout must not be null");
        assertNullRejected(() -> WS.withHeartbeatInterval(null), "ws.heartbeat-interval must not be null");
        assertNullRejected(() -> WS.withAllowedOrigins(null), "ws.allowed-origins must not be null");
        assertNullRejected(() -> WS.withWriteDelay(null), "ws.write-delay must not be null");
        assertNullRejected(() -> SERVER.withHost(null), "server.host must not be null");
        assertNullRejected(() -> SERVER.withAllowedHosts(null), "server.allowed-hosts must not be null");
        assertNullRejected(() -> SERVER.withShutdownTimeout(null), "server.shutdown-timeout must not be null");
        assertNullRejected(() -> STORE.withUrl(null), "store.url must not be null");
        assertNullRejected(() -> STORE.withRetentionAge(null), "store.retention-age must not be null");
        assertNullRejected(() -> new GatewayConfig(SERVER, null, STORE), "ws must not be null");
        List<String> withNull = new ArrayList<>();
        withNull.add(null);
        assertNullRejected(() -> SERVER.withAllowedHosts(withNull), "server.allowed-hosts must not contain null");
    }

    private static void assertRejected(ThrowingCallable change, String message) {
        assertThatThrownBy(change).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }

    private static void assertNullRejected(ThrowingCallable change, String message) {
        assertThatThrownBy(change).isInstanceOf(NullPointerException.class).hasMessage(message);
    }
}
