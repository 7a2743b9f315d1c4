package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientBuilderTest {

    private static ClientSettings settings(GatewayClient.Builder builder) {
        return new ClientSettings(builder);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        ClientSettings s = settings(GatewayClient.builder());
        assertThat(s.base()).isEqualTo("http://127.0.0.1:9090");
        assertThat(s.wsUrl()).isEqualTo("ws://127.0.0.1:9090/ws");
        assertThat(s.minBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.maxBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.jitter()).isEqualTo(1.0);
        assertThat(s.maxReconnectAttempts()).isEqualTo(Long.MAX_VALUE);
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.bufferSize()).isEqualTo(256);
        assertThat(s.pageSize()).isEqualTo(1000);
        assertThat(s.maxFrameBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(s.publishRetries()).isEqualTo(3);
        assertThat(s.batchFrames()).isFalse();
    }

    @Test
    void theWebSocketUrlFollowsTheSchemeAndKeepsAPathPrefix() {
        assertThat(settings(GatewayClient.builder().baseUrl("https://gw.example:8443/events/")).wsUrl())
            .isEqualTo("wss://gw.example:8443/events/ws");
        assertThat(settings(GatewayClient.builder().baseUrl("http://localhost:1234")).base())
            .isEqualTo("http://localhost:1234");
    }

    @Test
    void batchFramesAreAskedForWithTheUpgradesQueryAfterAnyPathPrefix() {
        ClientSettings s = settings(GatewayClient.builder().baseUrl("https://gw.example:8443/events/")
            .batchFrames(true));
        assertThat(s.batchFrames()).isTrue();
        assertThat(s.wsUrl()).isEqualTo("wss://gw.example:8443/events/ws?batch=true");
        assertThat(s.base()).as("REST requests are unchanged").isEqualTo("https://gw.example:8443/events");
        assertThat(settings(GatewayClient.builder().batchFrames(true).token("t-1")).wsUrl())
            .as("the token goes in a header, not the query").isEqualTo("ws://127.0.0.1:9090/ws?batch=true");
        assertThat(settings(GatewayClient.builder().batchFrames(true).batchFrames(false)).wsUrl())
            .isEqualTo("ws://127.0.0.1:9090/ws");
    }

    @Test
    void batchFramesNeedAFrameLimitOfAtLeastABatchFrame() {
        assertThatThrownBy(() -> GatewayClient.builder().maxFrameBytes(16_383).batchFrames(true).build())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("batchFrames").hasMessageContaining("maxFrameBytes >= 16384");
        assertThatCode(() -> GatewayClient.builder().batchFrames(true).maxFrameBytes(16_384).build().dispose())
            .doesNotThrowAnyException();
        assertThatCode(() -> GatewayClient.builder().maxFrameBytes(1024).build().dispose())
            .as("without batch frames the smallest limit stands").doesNotThrowAnyException();
    }

    @Test
    void invalidSettingsAreRefusedAtOnceNamingTheSetting() {
        assertThatThrownBy(() -> GatewayClient.builder().baseUrl("ftp://h:1")).hasMessageContaining("baseUrl");
        assertThatThrownBy(() -> GatewayClient.builder().baseUrl("127.0.0.1:9090")).hasMessageContaining("baseUrl");
        assertThatThrownBy(() -> GatewayClient.builder().baseUrl("http://h:1/x?y=1")).hasMessageContaining("baseUrl");
        assertThatThrownBy(() -> GatewayClient.builder().baseUrl("http://[")).hasMessageContaining("not a URL");
        assertThatThrownBy(() -> GatewayClient.builder().reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
            .hasMessageContaining("reconnectBackoff");
        assertThatThrownBy(() -> GatewayClient.builder().reconnectBackoff(Duration.ZERO, Duration.ofSeconds(1)))
            .hasMessageContaining("reconnectBackoff");
        assertThatThrownBy(() -> GatewayClient.builder().jitter(1.5)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> GatewayClient.builder().jitter(Double.NaN)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> GatewayClient.builder().requestTimeout(Duration.ZERO))
            .hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> GatewayClient.builder().bufferSize(0)).hasMessageContaining("bufferSize");
        assertThatThrownBy(() -> GatewayClient.builder().pageSize(10_001)).hasMessageContaining("pageSize");
        assertThatThrownBy(() -> GatewayClient.builder().maxFrameBytes(10)).hasMessageContaining("maxFrameBytes");
        assertThatThrownBy(() -> GatewayClient.builder().publishRetries(-1)).hasMessageContaining("publishRetries");
        assertThatThrownBy(() -> GatewayClient.builder().maxReconnectAttempts(-1))
            .hasMessageContaining("maxReconnectAttempts");
    }

    @Test
    void specsRefuseWhatCanNeverBeValid() {
        assertThatThrownBy(() -> SubscribeSpec.builder().build()).hasMessageContaining("at least one pattern");
        assertThatThrownBy(() -> SubscribeSpec.of("")).hasMessageContaining("invalid pattern");
        assertThatThrownBy(() -> SubscribeSpec.of("a:*,b:*")).hasMessageContaining("invalid pattern");
        assertThatThrownBy(() -> SubscribeSpec.builder().since(-2)).hasMessageContaining("since");
        assertThatThrownBy(() -> SubscribeSpec.builder().events("ta*sk")).hasMessageContaining("only end in *");
        assertThatThrownBy(() -> SubscribeSpec.builder().filter("a")).hasMessageContaining("at least one value");
        assertThatThrownBy(() -> SubscribeSpec.builder().filter("a", new Object()))
            .hasMessageContaining("strings, numbers, booleans or null");
        assertThatThrownBy(() -> HistoryQuery.builder().since(10).until(5).build()).hasMessageContaining("until");
        SubscribeSpec spec = SubscribeSpec.builder().patterns("task:*", "task:*").since(0).build();
        assertThat(spec.patterns()).as("a repeated pattern is one pattern").containsExactly("task:*");
        assertThat(spec.since()).isZero();
    }
}
