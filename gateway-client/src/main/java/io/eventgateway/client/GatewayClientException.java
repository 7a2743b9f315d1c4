package io.eventgateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A failure of a {@link GatewayClient} call: the protocol error code the gateway answered (an {@code error} frame or
 * a REST error body), or one of the client's own codes ({@link ErrorCode#CONNECTION_FAILED},
 * {@link ErrorCode#BAD_RESPONSE}, ...). The message is one line saying what went wrong and where.
 */
public final class GatewayClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** {@link #httpStatus()} when the failure had no HTTP answer. */
    public static final int NO_STATUS = 0;

    private final ErrorCode errorCode;
    private final String code;
    private final int httpStatus;
    private final transient JsonNode details;

    /**
     * Creates an exception for a code, without HTTP status or details.
     *
     * @param errorCode the code
     * @param message what went wrong
     */
    public GatewayClientException(ErrorCode errorCode, String message) {
        this(errorCode.name(), message, NO_STATUS, null, null);
    }

    /**
     * Creates an exception for a code, with its cause.
     *
     * @param errorCode the code
     * @param message what went wrong
     * @param cause the underlying failure, or null
     */
    public GatewayClientException(ErrorCode errorCode, String message, @Nullable Throwable cause) {
        this(errorCode.name(), message, NO_STATUS, null, cause);
    }

    /**
     * Creates an exception for a wire code the gateway sent.
     *
     * @param code the wire code, e.g. {@code WS_INVALID_TOPIC}; an unknown one maps to {@link ErrorCode#UNKNOWN}
     * @param message the gateway's message
     * @param httpStatus the REST status, or {@link #NO_STATUS}
     * @param details the error's {@code details} object, or null for none
     * @param cause the underlying failure, or null
     */
    public GatewayClientException(String code, String message, int httpStatus, @Nullable JsonNode details,
                                  @Nullable Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.errorCode = ErrorCode.of(code);
        this.httpStatus = httpStatus;
        this.details = details != null && details.isObject() ? details.deepCopy()
            : JsonNodeFactory.instance.objectNode();
    }

    /**
     * The code as an enum.
     *
     * @return the code; {@link ErrorCode#UNKNOWN} for a wire code this client does not know
     */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /**
     * The code as the gateway sent it (or the client's code's name).
     *
     * @return e.g. {@code WS_INVALID_TOPIC}, {@code CONNECTION_FAILED}
     */
    public String code() {
        return code;
    }

    /**
     * The HTTP status of a REST failure.
     *
     * @return the status, or {@link #NO_STATUS}
     */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The {@code details} of the gateway's error.
     *
     * @return an object, empty when there were none; a copy that may be changed
     */
    public JsonNode details() {
        return details.deepCopy();
    }

    /**
     * Whether retrying may succeed; an {@link ErrorCode#UNKNOWN} code counts as retryable when the HTTP status was
     * 5xx or 429.
     *
     * @return true for transient failures
     */
    public boolean retryable() {
        if (errorCode == ErrorCode.UNKNOWN) {
            return httpStatus >= 500 || httpStatus == 429;
        }
        return errorCode.retryable();
    }
}
