package io.eventgateway.client;

import java.util.HashMap;
import java.util.Map;

/**
 * The error codes a {@link GatewayClientException} carries: the gateway's wire codes (PROTOCOL.md section 5 for
 * WebSocket {@code error} frames, section 10.7 for REST error bodies), and the client's own codes for failures that
 * never reached the gateway or that the gateway did not answer properly. Each says whether retrying can help,
 * after centrifuge's {@code Temporary}.
 */
public enum ErrorCode {

    /** A WebSocket message the gateway could not read (a bug of this client, or a bad filter value). */
    WS_INVALID_MESSAGE(false),
    /** A WebSocket message type the gateway does not know. */
    WS_UNKNOWN_TYPE(false),
    /** A topic or pattern outside PROTOCOL.md section 2. */
    WS_INVALID_TOPIC(false),
    /** More than {@code ws.max-subscriptions} patterns on one connection. */
    WS_SUBSCRIPTION_LIMIT(false),
    /** An unsubscribe of a pattern that is not active. */
    WS_NOT_SUBSCRIBED(false),
    /** Too many messages on one connection; the message was ignored. */
    WS_RATE_LIMITED(true),
    /** The credentials do not allow this topic or action. */
    WS_FORBIDDEN(false),
    /** The gateway failed (a replay could not be read, for instance); the request may be retried. */
    WS_INTERNAL_ERROR(true),

    /** REST: the request body or a query parameter is invalid. */
    INVALID_MESSAGE(false),
    /** REST: a topic or pattern outside PROTOCOL.md section 2. */
    INVALID_TOPIC(false),
    /** REST: 400 for any other bad input. */
    BAD_REQUEST(false),
    /** REST: 401, credentials missing or wrong. */
    UNAUTHORIZED(false),
    /** REST: 403. */
    FORBIDDEN(false),
    /** REST: 404. */
    NOT_FOUND(false),
    /** REST: 405. */
    METHOD_NOT_ALLOWED(false),
    /** REST: 409. */
    CONFLICT(false),
    /** REST: 413, a body or batch too large. */
    PAYLOAD_TOO_LARGE(false),
    /** REST: 415. */
    UNSUPPORTED_MEDIA_TYPE(false),
    /** REST: 429. */
    RATE_LIMITED(true),
    /** REST: 503, the gateway is starting, shutting down or full. */
    UNAVAILABLE(true),
    /** REST: 500, the gateway failed. */
    INTERNAL_ERROR(true),

    /** Client: the gateway could not be reached (connection refused, unknown host, connect timeout). */
    CONNECTION_FAILED(true),
    /** Client: an open connection was closed or reset (a gateway restart closes with 1001). */
    CONNECTION_CLOSED(true),
    /** Client: no answer within the request timeout. */
    TIMEOUT(true),
    /** Client: the server answered something that is not the Event Gateway protocol (not JSON, wrong shape). */
    BAD_RESPONSE(false),
    /**
     * Client: events the subscription or history needed were already purged by the gateway's retention
     * ({@code recovered: false}, or {@code truncated: true}); rebuild state over REST and subscribe again.
     */
    EVENTS_PURGED(false),
    /** Client: the gateway closed the WebSocket with 4003, credentials expired or revoked. */
    CREDENTIALS_REVOKED(false),
    /** Client: the {@link GatewayClient} was disposed. */
    CLIENT_DISPOSED(false),
    /** A code this client does not know (a newer gateway); {@link GatewayClientException#code()} has its text. */
    UNKNOWN(false);

    private static final Map<String, ErrorCode> BY_NAME = new HashMap<>();

    static {
        for (ErrorCode code : values()) {
            BY_NAME.put(code.name(), code);
        }
    }

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    /**
     * Whether the same request may succeed later (after a reconnect or a backoff).
     *
     * @return true for transient failures
     */
    public boolean retryable() {
        return retryable;
    }

    /**
     * The code of a wire string.
     *
     * @param wire e.g. {@code WS_INVALID_TOPIC}
     * @return the code, or {@link #UNKNOWN}
     */
    public static ErrorCode of(String wire) {
        return BY_NAME.getOrDefault(wire, UNKNOWN);
    }
}
