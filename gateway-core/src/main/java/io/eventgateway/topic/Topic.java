package io.eventgateway.topic;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A concrete topic {@code entity:id} (PROTOCOL.md section 2): {@code entity} matches
 * {@code [a-z][a-z0-9_.-]{0,63}} and {@code id} is 1 to 192 characters of {@code [A-Za-z0-9._:/@-]}.
 * The first colon separates the two; the id may contain further colons.
 *
 * @param value the whole topic, e.g. {@code task:TASK-123}
 * @param entity the part before the first colon, e.g. {@code task}
 * @param id the part after the first colon, e.g. {@code TASK-123}
 */
public record Topic(String value, String entity, String id) {

    /**
     * Parses and validates a topic.
     *
     * @param value the topic text
     * @return the topic
     * @throws GatewayException {@link ErrorCode#WS_INVALID_TOPIC} when the text is not a valid topic
     */
    public static Topic parse(@Nullable String value) {
        Topic topic = tryParse(value);
        if (topic == null) {
            throw invalid(value);
        }
        return topic;
    }

    /**
     * Parses a topic, answering null instead of throwing.
     *
     * @param value the topic text
     * @return the topic, or null when the text is not a valid topic
     */
    public static @Nullable Topic tryParse(@Nullable String value) {
        if (value == null) {
            return null;
        }
        int colon = value.indexOf(':');
        if (colon < 0) {
            return null;
        }
        int idLength = value.length() - colon - 1;
        if (idLength < 1 || idLength > TopicSyntax.MAX_ID_LENGTH) {
            return null;
        }
        if (!TopicSyntax.isEntity(value, 0, colon) || !TopicSyntax.isIdChars(value, colon + 1, value.length())) {
            return null;
        }
        return new Topic(value, value.substring(0, colon), value.substring(colon + 1));
    }

    static GatewayException invalid(@Nullable String value) {
        String shown = value == null ? "null" : value;
        return new GatewayException(ErrorCode.WS_INVALID_TOPIC,
            "invalid topic '" + shown + "': a topic is entity:id, entity [a-z][a-z0-9_.-]{0,63},"
                + " id 1..192 characters of [A-Za-z0-9._:/@-]",
            Map.of("topic", shown));
    }

    @Override
    public String toString() {
        return value;
    }
}
