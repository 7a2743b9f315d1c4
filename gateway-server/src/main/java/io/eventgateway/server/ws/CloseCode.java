package io.eventgateway.server.ws;

/**
 * The WebSocket close codes the gateway sends (PROTOCOL.md section 6), each with its reconnect rule, in the
 * manner of centrifuge's {@code disconnect.go}.
 */
enum CloseCode {
    /** Normal closure. Reconnect only if the client still wants events. */
    NORMAL(1000, "normal closure"),
    /** The gateway is shutting down. Reconnect with backoff; resume with {@code since}. */
    GOING_AWAY(1001, "going away"),
    /** A policy was violated (the rate limit, 100 times in a row). Reconnect with backoff, and send less. */
    POLICY_VIOLATION(1008, "rate limit exceeded"),
    /** A message exceeded {@code ws.max-message-bytes}. Reconnect, and send smaller messages. */
    MESSAGE_TOO_BIG(1009, "message too big"),
    /** The gateway failed. Reconnect with backoff. */
    INTERNAL_ERROR(1011, "internal error"),
    /** No frame from the client for {@code ws.idle-timeout}. Reconnect with backoff; answer pings. */
    HEARTBEAT_TIMEOUT(4001, "heartbeat timeout"),
    /** Credentials expired or revoked. Do not reconnect without new ones. */
    CREDENTIALS_EXPIRED(4003, "credentials expired");

    private final int code;
    private final String reason;

    CloseCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    int code() {
        return code;
    }

    String reason() {
        return reason;
    }
}
