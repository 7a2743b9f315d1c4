package io.eventgateway.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.EventCodec;
import io.eventgateway.topic.Topic;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The checks every state route shares, each failing with a {@link GatewayException} that names the field
 * ({@code details.field}), and small helpers for the JSON the domain answers and emits.
 */
public final class Values {

    /** The longest title, name or free text (task title, stream name, descriptions). */
    public static final int MAX_TEXT = 1000;

    private Values() {
    }

    /**
     * A 400 naming a field.
     *
     * @param field the field, as the client wrote it
     * @param message what is wrong and how to fix it
     * @return the exception
     */
    public static GatewayException invalid(String field, String message) {
        return new GatewayException(ErrorCode.BAD_REQUEST, message, Map.of("field", field));
    }

    /**
     * A 404 for an unknown referenced resource.
     *
     * @param what what kind of thing, e.g. {@code task}
     * @param field the field or path parameter that named it
     * @param id the unknown id
     * @return the exception
     */
    public static GatewayException notFound(String what, String field, String id) {
        return new GatewayException(ErrorCode.NOT_FOUND, "no " + what + " with id '" + id + "'",
            Map.of("field", field, "id", id));
    }

    /**
     * Checks an id that is used in a topic ({@code task:{id}}, {@code stream:{id}}, {@code agent:{id}}): 1 to 192
     * characters of {@code [A-Za-z0-9._:/@-]} (PROTOCOL.md section 2).
     *
     * @param field the field
     * @param value the id
     * @return the id
     */
    public static String id(String field, @Nullable String value) {
        if (value == null) {
            throw invalid(field, "'" + field + "' is required");
        }
        if (Topic.tryParse("x:" + value) == null) {
            throw invalid(field, "'" + field + "' must be 1 to 192 characters of A-Z a-z 0-9 . _ : / @ - (it names"
                + " the topic of its events), got '" + shorten(value) + "'");
        }
        return value;
    }

    /**
     * Checks an optional id.
     *
     * @param field the field
     * @param value the id or null
     * @return the id or null
     */
    public static @Nullable String optionalId(String field, @Nullable String value) {
        return value == null ? null : id(field, value);
    }

    /**
     * Checks a required text: not blank, at most {@code max} characters.
     *
     * @param field the field
     * @param value the text
     * @param max the longest allowed
     * @return the text
     */
    public static String text(String field, @Nullable String value, int max) {
        if (value == null) {
            throw invalid(field, "'" + field + "' is required");
        }
        if (value.isBlank()) {
            throw invalid(field, "'" + field + "' must not be blank");
        }
        if (value.length() > max) {
            throw invalid(field, "'" + field + "' is " + value.length() + " characters long; at most " + max
                + " are allowed");
        }
        return value;
    }

    /**
     * Checks an optional text.
     *
     * @param field the field
     * @param value the text or null
     * @param max the longest allowed
     * @return the text or null
     */
    public static @Nullable String optionalText(String field, @Nullable String value, int max) {
        return value == null ? null : text(field, value, max);
    }

    /**
     * A new random id: the prefix and 16 hex digits (64 random bits).
     *
     * @param prefix e.g. {@code T-}
     * @return the id
     */
    public static String newId(String prefix) {
        return prefix + String.format("%016x", ThreadLocalRandom.current().nextLong());
    }

    /**
     * A new JSON object for event data or an answer.
     *
     * @return an empty object
     */
    public static ObjectNode object() {
        return EventCodec.JSON.createObjectNode();
    }

    /**
     * Writes an instant as a wire timestamp, or null.
     *
     * @param node the object
     * @param field the field
     * @param instant the instant or null
     * @return the object
     */
    public static ObjectNode putTime(ObjectNode node, String field, @Nullable Instant instant) {
        if (instant == null) {
            node.putNull(field);
        } else {
            node.put(field, EventCodec.timestamp(instant));
        }
        return node;
    }

    /**
     * An instant as epoch milliseconds for a state row, or null.
     *
     * @param instant the instant or null
     * @return the millis or null
     */
    public static @Nullable Long millis(@Nullable Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    /**
     * Epoch milliseconds from a state row as an instant, or null.
     *
     * @param millis the millis or null
     * @return the instant or null
     */
    public static @Nullable Instant instant(@Nullable Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    private static String shorten(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }
}
