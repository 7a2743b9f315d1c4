package io.eventgateway.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.topic.Topic;
import io.eventgateway.topic.TopicPattern;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a published event from JSON ({@code {topic, eventType, data, idempotencyKey?}}), as both
 * {@code POST /api/events} and the WebSocket {@code publish} message carry it, with one set of rules and
 * error messages for both.
 */
public final class NewEvents {

    /** The longest {@code eventType} accepted. */
    public static final int MAX_EVENT_TYPE_LENGTH = 128;
    /** The longest {@code idempotencyKey} accepted. */
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 128;

    private NewEvents() {
    }

    /**
     * Validates and reads one event.
     *
     * @param node the JSON object
     * @param where how to name the object in messages, e.g. {@code "payload"} or {@code "event 3"}
     * @return the event
     * @throws GatewayException {@link ErrorCode#WS_INVALID_TOPIC} for a topic that is not concrete and valid,
     *     {@link ErrorCode#WS_INVALID_MESSAGE} for anything else that is missing or mistyped
     */
    public static NewEvent fromJson(@Nullable JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw invalid(where + " must be an object {topic, eventType, data}");
        }
        JsonNode topicNode = node.get("topic");
        if (topicNode == null || !topicNode.isTextual()) {
            throw invalid(where + ".topic is required and must be a string such as \"task:TASK-123\"");
        }
        String topicText = topicNode.textValue();
        Topic topic = Topic.tryParse(topicText);
        if (topic == null) {
            String why = TopicPattern.tryParse(topicText) != null
                ? "events are published to a concrete topic, not a pattern"
                : "a topic is entity:id, entity [a-z][a-z0-9_.-]{0,63}, id 1..192 characters of [A-Za-z0-9._:/@-]";
            throw new GatewayException(ErrorCode.WS_INVALID_TOPIC,
                "invalid topic '" + topicText + "' in " + where + ": " + why, Map.of("topic", topicText));
        }
        JsonNode typeNode = node.get("eventType");
        if (typeNode == null || !typeNode.isTextual() || typeNode.textValue().isEmpty()
            || typeNode.textValue().length() > MAX_EVENT_TYPE_LENGTH || hasControlCharacter(typeNode.textValue())) {
            throw invalid(where + ".eventType is required: a string of 1 to " + MAX_EVENT_TYPE_LENGTH
                + " printable characters such as \"task.progress\"");
        }
        JsonNode data = node.get("data");
        ObjectNode dataObject;
        if (data == null || data.isNull()) {
            dataObject = EventCodec.JSON.createObjectNode();
        } else if (data.isObject()) {
            dataObject = (ObjectNode) data;
        } else {
            throw invalid(where + ".data must be a JSON object");
        }
        JsonNode keyNode = node.get("idempotencyKey");
        String key = null;
        if (keyNode != null && !keyNode.isNull()) {
            if (!keyNode.isTextual() || keyNode.textValue().isEmpty()
                || keyNode.textValue().length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
                throw invalid(where + ".idempotencyKey must be a string of 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH
                    + " characters");
            }
            key = keyNode.textValue();
        }
        return new NewEvent(topic, typeNode.textValue(), dataObject, key);
    }

    private static boolean hasControlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.WS_INVALID_MESSAGE, message);
    }
}
