package io.eventgateway.error;

import java.util.Map;
import java.util.Objects;

/**
 * A failure with a wire {@link ErrorCode}, a message for people, and optional structured details
 * (PROTOCOL.md section 5, {@code payload.details}). Pipelines report it as {@code Mono.error}.
 */
public final class GatewayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final Map<String, Object> details;

    /**
     * Creates an exception without details.
     *
     * @param code the wire code
     * @param message what is wrong, and where it helps, how to fix it
     */
    public GatewayException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    /**
     * Creates an exception with details.
     *
     * @param code the wire code
     * @param message what is wrong, and where it helps, how to fix it
     * @param details structured details, serialized as a JSON object
     */
    public GatewayException(ErrorCode code, String message, Map<String, ?> details) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.details = Map.copyOf(details);
    }

    /**
     * The wire code.
     *
     * @return the code
     */
    public ErrorCode code() {
        return code;
    }

    /**
     * Structured details for the error body.
     *
     * @return an immutable map, empty when there are none
     */
    public Map<String, Object> details() {
        return details;
    }
}
