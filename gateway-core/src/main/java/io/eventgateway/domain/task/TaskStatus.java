package io.eventgateway.domain.task;

import io.eventgateway.state.Values;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The statuses of a task (PROTOCOL.md section 8), with their wire names. */
public enum TaskStatus {
    /** Not started; the default. */
    PENDING("pending"),
    /** Being worked on. */
    IN_PROGRESS("in_progress"),
    /** Waiting on something. */
    BLOCKED("blocked"),
    /** Done. */
    COMPLETED("completed"),
    /** Given up on after an error; still counts as work of its stream. */
    FAILED("failed"),
    /** No longer wanted; no longer counts as work of its stream. */
    CANCELLED("cancelled");

    private static final String ALLOWED = Arrays.stream(values()).map(TaskStatus::wire)
        .collect(Collectors.joining(", "));

    private final String wire;

    TaskStatus(String wire) {
        this.wire = wire;
    }

    /**
     * The name on the wire and in the state table.
     *
     * @return e.g. {@code in_progress}
     */
    public String wire() {
        return wire;
    }

    /**
     * Parses a wire name.
     *
     * @param field the field it came from, named in the error
     * @param value the wire name
     * @return the status
     * @throws io.eventgateway.error.GatewayException 400 naming the field when the name is not a status
     */
    public static TaskStatus parse(String field, @Nullable String value) {
        if (value != null) {
            for (TaskStatus s : values()) {
                if (s.wire.equals(value)) {
                    return s;
                }
            }
        }
        throw Values.invalid(field, "'" + field + "' must be one of " + ALLOWED + ", got "
            + (value == null ? "null" : "'" + value + "'"));
    }
}
