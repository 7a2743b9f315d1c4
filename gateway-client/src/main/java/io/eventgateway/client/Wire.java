package io.eventgateway.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The client's JSON: the frames and bodies it sends, and strict reading of what the gateway answers, so that a
 * server that does not speak PROTOCOL.md fails with one clear {@link ErrorCode#BAD_RESPONSE} line instead of a
 * {@code NullPointerException} somewhere later.
 */
final class Wire {

    /** The client's one mapper: thread-safe once configured. */
    static final ObjectMapper JSON = JsonMapper.builder().build();

    private static final ObjectReader READER = JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The {@code id} of the one request a subscription's connection sends. */
    static final String SUBSCRIBE_ID = "sub-1";

    /** The largest {@code batch} frame's payload the gateway sends, 16 KiB (PROTOCOL.md section 5, "batch"). */
    static final int MAX_BATCH_BYTES = 16 * 1024;

    private Wire() {
    }

    // ----- requests ---------------------------------------------------------------------------------------------

    /**
     * The {@code subscribe} request.
     *
     * @param spec the subscription
     * @param since the seq to resume after, or {@link SubscribeSpec#LIVE}
     * @return the frame's text
     */
    static String subscribe(SubscribeSpec spec, long since) {
        ObjectNode payload = NODES.objectNode();
        ArrayNode topics = payload.putArray("topics");
        spec.patterns().forEach(topics::add);
        if (!spec.filters().isEmpty()) {
            payload.set("filters", spec.filters());
        }
        if (!spec.events().isEmpty()) {
            ArrayNode events = payload.putArray("events");
            spec.events().forEach(events::add);
        }
        if (since != SubscribeSpec.LIVE) {
            payload.put("since", since);
        }
        return envelope("subscribe", SUBSCRIBE_ID, payload);
    }

    /**
     * The {@code pong} answering a server {@code ping}.
     *
     * @param id the ping's id, or null
     * @return the frame's text
     */
    static String pong(@Nullable String id) {
        return envelope("pong", id, null);
    }

    /**
     * The {@code auth} request: a new credential for the open connection (PROTOCOL.md section 11.4).
     *
     * @param id the request's id
     * @param token the new token
     * @return the frame's text
     */
    static String auth(String id, String token) {
        ObjectNode payload = NODES.objectNode();
        payload.put("token", token);
        return envelope("auth", id, payload);
    }

    private static String envelope(String type, @Nullable String id, @Nullable ObjectNode payload) {
        ObjectNode frame = NODES.objectNode();
        frame.put("type", type);
        if (id != null) {
            frame.put("id", id);
        }
        if (payload != null) {
            frame.set("payload", payload);
        }
        return frame.toString();
    }

    /**
     * The body of {@code POST /api/events} for one event.
     *
     * @param topic the topic
     * @param eventType the type
     * @param data an object, or null
     * @param idempotencyKey the key, or null
     * @return the JSON text
     */
    static String publishBody(String topic, String eventType, @Nullable JsonNode data,
                              @Nullable String idempotencyKey) {
        ObjectNode body = NODES.objectNode();
        body.put("topic", topic);
        body.put("eventType", eventType);
        body.set("data", data == null || data.isNull() ? NODES.objectNode() : data);
        if (idempotencyKey != null) {
            body.put("idempotencyKey", idempotencyKey);
        }
        return body.toString();
    }

    // ----- answers ----------------------------------------------------------------------------------------------

    /**
     * Reads one WebSocket message: a JSON object with a string {@code type}.
     *
     * @param text the message
     * @param source the WebSocket URL, for messages
     * @return the frame
     * @throws GatewayClientException {@link ErrorCode#BAD_RESPONSE} when it is not one
     */
    static JsonNode frame(String text, String source) {
        JsonNode frame;
        try {
            frame = READER.readTree(text);
        } catch (JsonProcessingException e) {
            throw bad(source, "sent a message that is not JSON ('" + abbreviate(text) + "')");
        }
        if (frame == null || !frame.isObject()) {
            throw bad(source, "sent a message that is not a JSON object ('" + abbreviate(text) + "')");
        }
        if (!frame.path("type").isTextual()) {
            throw bad(source, "sent a message without a string 'type' ('" + abbreviate(text) + "')");
        }
        return frame;
    }

    /**
     * The messages of a {@code batch} frame (PROTOCOL.md section 5, "batch"): its {@code payload.messages}, each to
     * be checked with {@link #batched(JsonNode, String)} when its turn comes, so that the messages before a bad one
     * are handled as they would be in frames of their own.
     *
     * @param frame the {@code batch} frame, read by {@link #frame(String, String)}
     * @param source the WebSocket URL, for messages
     * @return the array of messages, in order
     * @throws GatewayClientException {@link ErrorCode#BAD_RESPONSE} when {@code payload.messages} is not an array
     */
    static JsonNode batch(JsonNode frame, String source) {
        JsonNode messages = frame.path("payload").path("messages");
        if (!messages.isArray()) {
            throw bad(source, "sent a batch without a 'payload.messages' array ('" + abbreviate(frame.toString())
                + "')");
        }
        return messages;
    }

    /**
     * Checks one message of a batch: a JSON object with a string {@code type}, as a frame of its own would be, and
     * neither {@code connected} (always the first frame, alone) nor another {@code batch}.
     *
     * @param message an element of {@link #batch(JsonNode, String)}
     * @param source the WebSocket URL, for messages
     * @return its type
     * @throws GatewayClientException {@link ErrorCode#BAD_RESPONSE} when it is not such a message
     */
    static String batched(JsonNode message, String source) {
        if (!message.isObject() || !message.path("type").isTextual()) {
            throw bad(source, "sent a batch holding a message that is not a JSON object with a string 'type' ('"
                + abbreviate(message.toString()) + "')");
        }
        String type = message.get("type").textValue();
        if (type.equals("connected") || type.equals("batch")) {
            throw bad(source, "sent '" + type + "' inside a batch, where it may never be ('"
                + abbreviate(message.toString()) + "')");
        }
        return type;
    }

    /**
     * Reads an HTTP body as a JSON object.
     *
     * @param body the bytes
     * @param source e.g. {@code GET http://127.0.0.1:9090/api/events}
     * @param status the HTTP status, for messages
     * @return the object
     * @throws GatewayClientException {@link ErrorCode#BAD_RESPONSE} when it is not one
     */
    static JsonNode body(byte[] body, String source, int status) {
        JsonNode node;
        try {
            node = READER.readTree(body);
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            String text = new String(body, StandardCharsets.UTF_8);
            throw bad(source, "answered HTTP " + status + " with " + (text.isBlank() ? "an empty body"
                : "a body that is not a JSON object ('" + abbreviate(text) + "')"));
        }
        return node;
    }

    /**
     * The exception of a REST error answer: the gateway's {@code {"error": {code, message, details}}}.
     *
     * @param node the body
     * @param source the request, for messages
     * @param status the HTTP status
     * @return the exception; {@link ErrorCode#BAD_RESPONSE} when the body is not a gateway error
     */
    static GatewayClientException restError(JsonNode node, String source, int status) {
        JsonNode error = node.path("error");
        if (!error.path("code").isTextual() || !error.path("message").isTextual()) {
            return bad(source, "answered HTTP " + status + " without a gateway error body ('"
                + abbreviate(node.toString()) + "')");
        }
        return new GatewayClientException(error.get("code").textValue(), error.get("message").textValue()
            + " (HTTP " + status + " from " + source + ")", status, error.get("details"), null);
    }

    /**
     * The exception of an {@code error} frame.
     *
     * @param frame the frame
     * @param source the WebSocket URL
     * @return the exception; {@link ErrorCode#BAD_RESPONSE} when the payload has no code
     */
    static GatewayClientException errorFrame(JsonNode frame, String source) {
        JsonNode payload = frame.path("payload");
        if (!payload.path("code").isTextual()) {
            return bad(source, "sent an error frame without a code ('" + abbreviate(frame.toString()) + "')");
        }
        return new GatewayClientException(payload.get("code").textValue(), payload.path("message").asText("")
            + " (error frame from " + source + ")", GatewayClientException.NO_STATUS, payload.get("details"), null);
    }

    /**
     * An {@code event} frame's event: its payload plus the envelope's {@code timestamp}.
     *
     * @param frame the frame
     * @param source the WebSocket URL
     * @return the event
     */
    static Event wsEvent(JsonNode frame, String source) {
        return event(frame.path("payload"), frame.get("timestamp"), source, frame);
    }

    /**
     * An event as {@code GET /api/events} lists it.
     *
     * @param node the event object
     * @param source the request
     * @return the event
     */
    static Event listedEvent(JsonNode node, String source) {
        return event(node, node.get("timestamp"), source, node);
    }

    private static Event event(JsonNode fields, @Nullable JsonNode timestamp, String source, JsonNode whole) {
        JsonNode seq = fields.get("seq");
        JsonNode topic = fields.get("topic");
        JsonNode type = fields.get("eventType");
        JsonNode data = fields.get("data");
        if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.longValue() < 0
            || topic == null || !topic.isTextual() || type == null || !type.isTextual()
            || (data != null && !data.isObject() && !data.isNull())
            || timestamp == null || !timestamp.isTextual()) {
            throw bad(source, "sent an event without seq, topic, eventType, data object or timestamp ('"
                + abbreviate(whole.toString()) + "')");
        }
        Instant at;
        try {
            at = Instant.parse(timestamp.textValue());
        } catch (DateTimeParseException e) {
            throw bad(source, "sent an event whose timestamp is not ISO-8601 ('" + abbreviate(timestamp.textValue())
                + "')");
        }
        return new Event(seq.longValue(), topic.textValue(), type.textValue(), at,
            data == null || data.isNull() ? NODES.objectNode() : data);
    }

    /**
     * One page of {@code GET /api/events}.
     *
     * @param events the events, in increasing seq
     * @param headSeq the log's head
     * @param oldestSeq the oldest retained seq
     * @param hasMore whether more events of the range follow
     * @param truncated whether events after {@code since} were purged
     */
    record Page(List<Event> events, long headSeq, long oldestSeq, boolean hasMore, boolean truncated) {
    }

    /**
     * Reads a page, checking its shape and that its seqs increase above {@code since}.
     *
     * @param node the body
     * @param source the request
     * @param since the request's {@code since}
     * @return the page
     */
    static Page page(JsonNode node, String source, long since) {
        JsonNode events = node.get("events");
        JsonNode head = node.get("headSeq");
        JsonNode hasMore = node.get("hasMore");
        if (events == null || !events.isArray() || head == null || !head.isIntegralNumber()
            || hasMore == null || !hasMore.isBoolean()) {
            throw bad(source, "answered without events, headSeq and hasMore ('" + abbreviate(node.toString()) + "')");
        }
        List<Event> list = new ArrayList<>(events.size());
        long last = since;
        for (JsonNode e : events) {
            Event event = listedEvent(e, source);
            if (event.seq() <= last) {
                throw bad(source, "listed seq " + event.seq() + " after " + last + "; seqs must increase");
            }
            last = event.seq();
            list.add(event);
        }
        if (hasMore.booleanValue() && list.isEmpty()) {
            throw bad(source, "answered hasMore without any event");
        }
        return new Page(list, head.longValue(), node.path("oldestSeq").asLong(0), hasMore.booleanValue(),
            node.path("truncated").asBoolean(false));
    }

    /**
     * Reads {@code GET /health}.
     *
     * @param node the body
     * @param source the request
     * @return the health
     */
    static Health health(JsonNode node, String source) {
        if (!node.path("status").isTextual() || !node.path("headSeq").isIntegralNumber()) {
            throw bad(source, "answered without status and headSeq ('" + abbreviate(node.toString()) + "')");
        }
        return new Health(node.get("status").textValue(), node.path("version").asText(""),
            node.get("headSeq").longValue(), node.path("uptimeMs").asLong(0));
    }

    /**
     * A {@link ErrorCode#BAD_RESPONSE}.
     *
     * @param source what answered
     * @param problem what was wrong
     * @return the exception
     */
    static GatewayClientException bad(String source, String problem) {
        return new GatewayClientException(ErrorCode.BAD_RESPONSE, source + " " + problem
            + ": is it an Event Gateway speaking PROTOCOL.md v1?");
    }

    /**
     * The start of a text, on one line, for messages.
     *
     * @param text the text
     * @return at most 80 characters
     */
    static String abbreviate(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }
}
