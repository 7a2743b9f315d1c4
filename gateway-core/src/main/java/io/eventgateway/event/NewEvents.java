package io.eventgateway.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.topic.Topic;
import io.eventgateway.topic.TopicPattern;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a published event from JSON ({@code {topic, eventType, data, idempotencyKey?}}), as both
 * {@code POST /api/events} and the WebSocket {@code publish} message carry it, with one set of rules and
 * error messages for both: from a tree ({@link #fromJson}) or straight from a parser over the request's bytes
 * ({@link #read}), which keeps {@code data} as the request's text instead of building a tree of it.
 */
public final class NewEvents {

    /** The longest {@code eventType} accepted. */
    public static final int MAX_EVENT_TYPE_LENGTH = 128;
    /** The longest {@code idempotencyKey} accepted. */
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 128;

    /** A field's value that is JSON {@code null}. */
    private static final Object NULL = new Object();
    /** A field's value of a kind the field does not take (a number where a string belongs, ...). */
    private static final Object OTHER = new Object();

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
            throw notAnObject(where);
        }
        JsonNode data = node.get("data");
        return build(where, value(node.get("topic")), value(node.get("eventType")),
            data != null && data.isObject() ? EventData.of((ObjectNode) data) : value(data),
            value(node.get("idempotencyKey")));
    }

    /**
     * Validates and reads one event from a parser over {@code source}, with the same rules and messages as
     * {@link #fromJson}. The value is read to its end before anything is validated, so the parser is always left
     * on its last token: a caller can report the first invalid event of an array after making sure the rest of
     * the body is valid JSON. {@code data} is kept as its text in {@code source}: no tree is built.
     *
     * @param p a parser over {@code source} (created on the whole array, so that its byte offsets index it),
     *     positioned on the value's first token
     * @param source the bytes the parser reads: UTF-8, checked as such by the caller (the parser does not check
     *     every byte, and {@code data}'s text is decoded from them as they are)
     * @param where how to name the object in messages
     * @return the event
     * @throws IOException when the JSON is malformed
     * @throws GatewayException as {@link #fromJson}
     */
    public static NewEvent read(JsonParser p, byte[] source, String where) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            throw notAnObject(where);
        }
        Object topic = null;
        Object type = null;
        Object data = null;
        Object key = null;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken token = p.nextToken();
            switch (name) {
                case "topic" -> topic = scalar(p, token);
                case "eventType" -> type = scalar(p, token);
                case "idempotencyKey" -> key = scalar(p, token);
                case "data" -> data = token == JsonToken.START_OBJECT ? text(p, source) : scalar(p, token);
                default -> p.skipChildren();
            }
        }
        return build(where, topic, type, data, key);
    }

    /**
     * Where {@code bytes} stop being UTF-8, the check {@link #read}'s callers make before parsing: Jackson checks
     * the text of string values it reads but not every byte (it lets invalid sequences through in field names, and
     * in what it skips), and {@code data} is decoded from the bytes as they are.
     *
     * @param bytes the bytes
     * @return the offset of the first byte that is not part of a valid UTF-8 sequence, or -1 when they are all
     *     valid (all ASCII, the common case, is found in one pass without a decoder)
     */
    public static int invalidUtf8At(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                ByteBuffer in = ByteBuffer.wrap(bytes);
                try {
                    StandardCharsets.UTF_8.newDecoder().decode(in);
                    return -1;
                } catch (CharacterCodingException e) {
                    return in.position(); // the decoder stops at the malformed sequence
                }
            }
        }
        return -1;
    }

    /** The object's text in {@code source}: from its '{' to just after its '}', checked by the parser on the way. */
    private static EventData text(JsonParser p, byte[] source) throws IOException {
        long start = p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        long end = p.currentLocation().getByteOffset();
        return EventData.ofJson(new String(source, (int) start, (int) (end - start), StandardCharsets.UTF_8));
    }

    private static Object scalar(JsonParser p, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (token == JsonToken.VALUE_NULL) {
            return NULL;
        }
        p.skipChildren();
        return OTHER;
    }

    private static @Nullable Object value(@Nullable JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isNull()) {
            return NULL;
        }
        return node.isTextual() ? node.textValue() : OTHER;
    }

    /**
     * The rules, on each field's value: absent ({@code null}), {@link #NULL}, a {@code String}, {@link #OTHER}, or
     * for {@code data} an {@link EventData}.
     */
    private static NewEvent build(String where, @Nullable Object topicValue, @Nullable Object typeValue,
            @Nullable Object dataValue, @Nullable Object keyValue) {
        if (!(topicValue instanceof String topicText)) {
            throw invalid(where + ".topic is required and must be a string such as \"task:TASK-123\"");
        }
        Topic topic = Topic.tryParse(topicText);
        if (topic == null) {
            String why = TopicPattern.tryParse(topicText) != null
                ? "events are published to a concrete topic, not a pattern"
                : "a topic is entity:id, entity [a-z][a-z0-9_.-]{0,63}, id 1..192 characters of [A-Za-z0-9._:/@-]";
            throw new GatewayException(ErrorCode.WS_INVALID_TOPIC,
                "invalid topic '" + topicText + "' in " + where + ": " + why, Map.of("topic", topicText));
        }
        if (!(typeValue instanceof String type) || type.isEmpty() || type.length() > MAX_EVENT_TYPE_LENGTH
            || hasControlCharacter(type)) {
            throw invalid(where + ".eventType is required: a string of 1 to " + MAX_EVENT_TYPE_LENGTH
                + " printable characters such as \"task.progress\"");
        }
        EventData data;
        if (dataValue == null || dataValue == NULL) {
            data = EventData.EMPTY;
        } else if (dataValue instanceof EventData object) {
            data = object;
        } else {
            throw invalid(where + ".data must be a JSON object");
        }
        String key = null;
        if (keyValue != null && keyValue != NULL) {
            if (!(keyValue instanceof String text) || text.isEmpty() || text.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
                throw invalid(where + ".idempotencyKey must be a string of 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH
                    + " characters");
            }
            key = text;
        }
        return new NewEvent(topic, type, data, key);
    }

    private static boolean hasControlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static GatewayException notAnObject(String where) {
        return invalid(where + " must be an object {topic, eventType, data}");
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.WS_INVALID_MESSAGE, message);
    }
}
