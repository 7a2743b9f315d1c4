package io.eventgateway.topic;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A subscription pattern (PROTOCOL.md section 2): {@code *} (every topic), a concrete topic, or a whole
 * entity, a colon, an optional id prefix and a final {@code *} ({@code task:*}, {@code stream:Stream-*}).
 * Matching is case-sensitive. Two patterns are equal when their text is equal.
 *
 * @param value the pattern text as the client wrote it
 * @param kind which of the three forms it is
 * @param entity the entity for {@link Kind#EXACT} and {@link Kind#PREFIX}, empty for {@link Kind#ALL}
 * @param idPrefix the id for {@link Kind#EXACT}, the id prefix (possibly empty) for {@link Kind#PREFIX}
 */
public record TopicPattern(String value, Kind kind, String entity, String idPrefix) {

    /** The three forms of a pattern. */
    public enum Kind {
        /** {@code *}: every topic. */
        ALL,
        /** A concrete topic: exactly that topic. */
        EXACT,
        /** {@code entity:prefix*}: every topic of the entity whose id starts with the prefix. */
        PREFIX
    }

    /** The pattern {@code *}. */
    public static final TopicPattern ALL = new TopicPattern("*", Kind.ALL, "", "");

    /**
     * Parses and validates a pattern.
     *
     * @param value the pattern text
     * @return the pattern
     * @throws GatewayException {@link ErrorCode#WS_INVALID_TOPIC} naming the pattern when it is invalid
     */
    public static TopicPattern parse(@Nullable String value) {
        TopicPattern pattern = tryParse(value);
        if (pattern == null) {
            String shown = value == null ? "null" : value;
            throw new GatewayException(ErrorCode.WS_INVALID_TOPIC,
                "invalid pattern '" + shown + "': use *, a topic entity:id, or entity:* or entity:prefix*",
                Map.of("topic", shown));
        }
        return pattern;
    }

    /**
     * Parses a pattern, answering null instead of throwing.
     *
     * @param value the pattern text
     * @return the pattern, or null when the text is not a valid pattern
     */
    public static @Nullable TopicPattern tryParse(@Nullable String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.equals("*")) {
            return ALL;
        }
        if (value.charAt(value.length() - 1) != '*') {
            Topic topic = Topic.tryParse(value);
            return topic == null ? null : new TopicPattern(value, Kind.EXACT, topic.entity(), topic.id());
        }
        int colon = value.indexOf(':');
        if (colon < 0 || !TopicSyntax.isEntity(value, 0, colon)) {
            return null;
        }
        int star = value.length() - 1;
        int prefixLength = star - colon - 1;
        // A prefix may be as long as a whole id: the pattern then matches the id equal to it (startsWith).
        if (prefixLength > TopicSyntax.MAX_ID_LENGTH || !TopicSyntax.isIdChars(value, colon + 1, star)) {
            return null;
        }
        return new TopicPattern(value, Kind.PREFIX, value.substring(0, colon), value.substring(colon + 1, star));
    }

    /**
     * Whether this pattern matches a topic.
     *
     * @param topic a concrete topic
     * @return true when the topic is one this pattern selects
     */
    public boolean matches(Topic topic) {
        return switch (kind) {
            case ALL -> true;
            case EXACT -> value.equals(topic.value());
            case PREFIX -> entity.equals(topic.entity()) && topic.id().startsWith(idPrefix);
        };
    }

    @Override
    public String toString() {
        return value;
    }
}
