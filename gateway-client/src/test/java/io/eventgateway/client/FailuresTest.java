package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** What a reconnect can fix, and what it cannot: the classification every subscription's retry follows. */
class FailuresTest {

    private static final String WS = "ws://127.0.0.1:9090/ws";

    private static GatewayClientException classify(Throwable error) {
        return (GatewayClientException) Failures.classify(error, WS);
    }

    private static WebSocketClientHandshakeException refused(HttpResponseStatus status) {
        return new WebSocketClientHandshakeException("Invalid handshake response getStatus: " + status,
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status));
    }

    @Test
    void anUpgradeCutBeforeAnyAnswerIsALostConnectionAndRetried() {
        // What reactor-netty raises when the gateway is killed or restarted during the upgrade.
        GatewayClientException e = classify(new WebSocketClientHandshakeException(
            "Connection prematurely closed BEFORE opening handshake is complete."));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.CONNECTION_CLOSED);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains(WS).contains("during the WebSocket upgrade");
    }

    @Test
    void aGatewayThatIsDownOrFullIsRetried() {
        assertThat(classify(new ConnectException("Connection refused")).errorCode())
            .isEqualTo(ErrorCode.CONNECTION_FAILED);
        assertThat(classify(new ConnectException("Connection refused")).retryable()).isTrue();
        GatewayClientException full = classify(refused(HttpResponseStatus.SERVICE_UNAVAILABLE));
        assertThat(full.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(full.retryable()).isTrue();
    }

    @Test
    void anAnswerThatIsNotAGatewaysOrRefusesTheCredentialsIsNotRetried() {
        GatewayClientException notFound = classify(refused(HttpResponseStatus.NOT_FOUND));
        assertThat(notFound.errorCode()).isEqualTo(ErrorCode.BAD_RESPONSE);
        assertThat(notFound.retryable()).isFalse();
        assertThat(notFound.httpStatus()).isEqualTo(404);
        GatewayClientException unauthorized = classify(refused(HttpResponseStatus.UNAUTHORIZED));
        assertThat(unauthorized.errorCode()).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(unauthorized.retryable()).isFalse();
    }
}
