package io.eventgateway.error;

/**
 * Every error code of PROTOCOL.md section 5 (WebSocket) and section 8 (REST), as sent on the wire.
 *
 * <p>{@link #retryable()} says whether the same request may succeed if sent again unchanged (after a
 * delay), like centrifuge's {@code Temporary} errors. The HTTP status is the one REST answers with.
 */
public enum ErrorCode {
    /** Not JSON, not an object, a missing or mistyped field. */
    WS_INVALID_MESSAGE(400, false),
    /** {@code type} is not one the gateway knows. */
    WS_UNKNOWN_TYPE(400, false),
    /** A topic or pattern outside PROTOCOL.md section 2. */
    WS_INVALID_TOPIC(400, false),
    /** The request would leave more than {@code ws.max-subscriptions} active patterns. */
    WS_SUBSCRIPTION_LIMIT(409, false),
    /** Unsubscribe of a pattern that is not active. */
    WS_NOT_SUBSCRIBED(404, false),
    /** More inbound messages than {@code ws.rate-limit} allows. */
    WS_RATE_LIMITED(429, true),
    /** The credentials do not allow this topic or action. */
    WS_FORBIDDEN(403, false),
    /** An {@code auth} message whose token is missing, invalid or expired; the connection keeps its grant. */
    WS_UNAUTHORIZED(401, false),
    /** The gateway failed; the request may be retried. */
    WS_INTERNAL_ERROR(500, true),

    /** REST: the request body or a parameter is invalid. */
    BAD_REQUEST(400, false),
    /** REST: no such resource or route. */
    NOT_FOUND(404, false),
    /** REST: the route exists but not for this method. */
    METHOD_NOT_ALLOWED(405, false),
    /** REST: the resource already exists or the change conflicts with its state. */
    CONFLICT(409, false),
    /** REST: the body is larger than allowed. */
    PAYLOAD_TOO_LARGE(413, false),
    /** REST: the body is not {@code application/json}. */
    UNSUPPORTED_MEDIA_TYPE(415, false),
    /** REST or upgrade: credentials are required (auth is on) and were missing, invalid or expired. */
    UNAUTHORIZED(401, false),
    /** REST or upgrade: the request's Origin or Host is not allowed, or the credentials do not allow it. */
    FORBIDDEN(403, false),
    /** REST: the gateway cannot serve now (store down, shutting down, too many connections). */
    UNAVAILABLE(503, true),
    /** REST: the gateway failed. */
    INTERNAL_ERROR(500, true);

    private final int httpStatus;
    private final boolean retryable;

    ErrorCode(int httpStatus, boolean retryable) {
        this.httpStatus = httpStatus;
        this.retryable = retryable;
    }

    /**
     * The HTTP status REST answers this code with.
     *
     * @return an HTTP status code
     */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The code as REST error bodies carry it: the WebSocket codes without their {@code WS_} prefix
     * ({@code INVALID_TOPIC}, {@code INVALID_MESSAGE}, ...), the others as they are.
     *
     * @return the REST code
     */
    public String restCode() {
        String name = name();
        return name.startsWith("WS_") ? name.substring(3) : name;
    }

    /**
     * Whether the same request may succeed when retried unchanged.
     *
     * @return true for transient failures
     */
    public boolean retryable() {
        return retryable;
    }
}
