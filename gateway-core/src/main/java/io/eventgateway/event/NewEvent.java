package io.eventgateway.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.topic.Topic;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An event as a publisher hands it to the log, before it has a {@code seq}.
 *
 * @param topic the concrete topic it is published to
 * @param eventType its type, e.g. {@code task.progress}
 * @param eventData its JSON object payload, as the text it was published in or as a tree; not modified after this
 *     point
 * @param idempotencyKey when set, a retry with the same key within {@code store.idempotency-window} is answered
 *     with the original {@code seq} and appends nothing
 */
public record NewEvent(Topic topic, String eventType, EventData eventData, @Nullable String idempotencyKey) {

    /** Validates that no component is missing. */
    public NewEvent {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(eventData, "eventData");
    }

    /**
     * Creates an event from a tree.
     *
     * @param topic the topic
     * @param eventType the type
     * @param data the payload
     * @param idempotencyKey the key, or null
     */
    public NewEvent(Topic topic, String eventType, ObjectNode data, @Nullable String idempotencyKey) {
        this(topic, eventType, EventData.of(data), idempotencyKey);
    }

    /**
     * Creates an event without an idempotency key.
     *
     * @param topic the topic
     * @param eventType the type
     * @param data the payload
     */
    public NewEvent(Topic topic, String eventType, ObjectNode data) {
        this(topic, eventType, data, null);
    }

    /**
     * The payload as a tree ({@link EventData#tree()}). Read only.
     *
     * @return the JSON object
     */
    public ObjectNode data() {
        return eventData.tree();
    }
}
