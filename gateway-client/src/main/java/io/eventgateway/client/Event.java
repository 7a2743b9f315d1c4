package io.eventgateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One event of the gateway's log (PROTOCOL.md section 5, {@code event}): the payload of an {@code event} frame plus
 * the envelope's {@code timestamp}, or one entry of {@code GET /api/events}.
 *
 * @param seq its position in the gateway's event log: unique, increasing in publish order, not consecutive
 * @param topic the concrete topic, e.g. {@code task:TASK-123}
 * @param eventType e.g. {@code task.status_changed}
 * @param timestamp when it was published
 * @param data its data, a JSON object; shared with other subscribers of the same client, so do not change it
 */
public record Event(long seq, String topic, String eventType, Instant timestamp, JsonNode data) {

    /** Checks every component. */
    public Event {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(data, "data");
    }
}
