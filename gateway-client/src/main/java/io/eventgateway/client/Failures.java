package io.eventgateway.client;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;

/**
 * The one place where transport failures become {@link GatewayClientException}s with a client {@link ErrorCode},
 * which also decides what a reconnect can fix (after centrifuge's {@code disconnect.go}): the gateway being away
 * or restarting is retryable; a server that is not a gateway, or that refuses the credentials, is not.
 */
final class Failures {

    /** Close 4003: credentials expired or revoked; do not reconnect without new ones (PROTOCOL.md section 6). */
    static final int CLOSE_CREDENTIALS_EXPIRED = 4003;
    /** Close 1009: a message of ours was too big; a reconnect would send it again. */
    static final int CLOSE_MESSAGE_TOO_BIG = 1009;

    private Failures() {
    }

    /**
     * Classifies a failure.
     *
     * @param error what happened
     * @param target what was being done, e.g. {@code GET http://127.0.0.1:9090/api/events} or the WebSocket URL
     * @return a {@link GatewayClientException}, or the error itself when it is not a transport failure (a bug)
     */
    static Throwable classify(Throwable error, String target) {
        if (error instanceof GatewayClientException) {
            return error;
        }
        if (error instanceof WebSocketClientHandshakeException handshake) {
            return handshake(handshake, target);
        }
        if (error instanceof ConnectException || error instanceof ConnectTimeoutException
            || error instanceof UnknownHostException || error instanceof NoRouteToHostException) {
            return new GatewayClientException(ErrorCode.CONNECTION_FAILED, "cannot connect to " + target + ": "
                + message(error), error);
        }
        if (error instanceof TimeoutException) {
            return new GatewayClientException(ErrorCode.TIMEOUT, target + " did not answer in time", error);
        }
        if (error instanceof TooLongFrameException || error instanceof CorruptedFrameException) {
            return new GatewayClientException(ErrorCode.BAD_RESPONSE, target + " sent a message this client refuses ("
                + message(error) + "); raise maxFrameBytes if the gateway sends larger events", error);
        }
        if (error instanceof PrematureCloseException || error instanceof AbortedException
            || error instanceof ClosedChannelException || error instanceof IOException) {
            return new GatewayClientException(ErrorCode.CONNECTION_CLOSED, "the connection to " + target
                + " was lost: " + message(error), error);
        }
        return error;
    }

    private static GatewayClientException handshake(WebSocketClientHandshakeException e, String target) {
        HttpResponse response = e.response();
        if (response == null) {
            // Cut before any answer ("Connection prematurely closed BEFORE opening handshake is complete"): the
            // gateway went away mid-upgrade, as it does when it is killed or restarted at that moment. A lost
            // connection, which a reconnect fixes; as BAD_RESPONSE it ended a subscription for good after a restart.
            return new GatewayClientException(ErrorCode.CONNECTION_CLOSED, "the connection to " + target
                + " was lost during the WebSocket upgrade: " + message(e), e);
        }
        int status = response.status().code();
        String prefix = target + " refused the WebSocket upgrade with HTTP " + status;
        if (status == 401) {
            return new GatewayClientException(ErrorCode.UNAUTHORIZED.name(), prefix + ": credentials missing or wrong",
                status, null, e);
        }
        if (status == 403) {
            return new GatewayClientException(ErrorCode.FORBIDDEN.name(), prefix
                + ": this Origin or Host is not allowed (ws.allowed-origins, server.allowed-hosts)", status, null, e);
        }
        if (status == 429) {
            return new GatewayClientException(ErrorCode.RATE_LIMITED.name(), prefix, status, null, e);
        }
        if (status == 503) {
            return new GatewayClientException(ErrorCode.UNAVAILABLE.name(), prefix
                + ": the gateway is full (server.max-connections) or shutting down", status, null, e);
        }
        if (status >= 500) {
            return new GatewayClientException(ErrorCode.INTERNAL_ERROR.name(), prefix, status, null, e);
        }
        return new GatewayClientException(ErrorCode.BAD_RESPONSE.name(), prefix + " (" + message(e)
            + "): is it an Event Gateway speaking PROTOCOL.md v1?", status, null, e);
    }

    /**
     * The failure of a WebSocket the gateway closed.
     *
     * @param status the close code, or -1 when the connection ended without a close frame
     * @param reason the close reason, or empty
     * @param target the WebSocket URL
     * @return {@link ErrorCode#CREDENTIALS_REVOKED} for 4003, {@link ErrorCode#BAD_RESPONSE} for 1009 (not
     *     retryable), else {@link ErrorCode#CONNECTION_CLOSED} (retryable)
     */
    static GatewayClientException closed(int status, String reason, String target) {
        String text = target + (status < 0 ? " closed the connection" : " closed the WebSocket with " + status
            + (reason.isEmpty() ? "" : " (" + reason + ")"));
        if (status == CLOSE_CREDENTIALS_EXPIRED) {
            return new GatewayClientException(ErrorCode.CREDENTIALS_REVOKED, text
                + ": credentials expired or revoked; reconnect with new ones");
        }
        if (status == CLOSE_MESSAGE_TOO_BIG) {
            return new GatewayClientException(ErrorCode.BAD_RESPONSE, text
                + ": the subscribe request is larger than the gateway's ws.max-message-bytes");
        }
        return new GatewayClientException(ErrorCode.CONNECTION_CLOSED, text);
    }

    /**
     * Whether a failure may be retried.
     *
     * @param error a classified failure
     * @return true for a retryable {@link GatewayClientException}
     */
    static boolean retryable(Throwable error) {
        return error instanceof GatewayClientException g && g.retryable();
    }

    private static String message(Throwable error) {
        String m = error.getMessage();
        return m == null || m.isBlank() ? error.getClass().getSimpleName() : Wire.abbreviate(m);
    }
}
