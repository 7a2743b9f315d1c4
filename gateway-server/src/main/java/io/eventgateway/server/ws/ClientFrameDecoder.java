package io.eventgateway.server.ws;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.EventCodec;
import io.eventgateway.event.EventSelector;
import io.eventgateway.event.NewEvents;
import io.eventgateway.hub.SubscribeCommand;
import io.eventgateway.topic.TopicPattern;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one client text message into a {@link ClientMessage}, validating every field of PROTOCOL.md
 * sections 3 and 4. A request is all or nothing: the first problem found is reported, with the request's
 * {@code id} when it could be read, and nothing of the request takes effect.
 */
final class ClientFrameDecoder {

    /** The longest {@code id} accepted (PROTOCOL.md section 3). */
    static final int MAX_ID_LENGTH = 64;

    private static final ObjectReader READER =
        EventCodec.JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ClientFrameDecoder() {
    }

    /**
     * The outcome of decoding: a message, or an error with the id that could be read.
     *
     * @param id the request id when it could be read
     * @param message the message, when valid
     * @param error the problem, when invalid
     */
    record Decoded(@Nullable String id, @Nullable ClientMessage message, @Nullable GatewayException error) {
    }

    static Decoded decode(byte[] utf8) {
        JsonNode root;
        try {
            root = READER.readTree(utf8);
        } catch (JacksonException e) {
            return failed(null, ErrorCode.WS_INVALID_MESSAGE, "the message is not valid JSON: "
                + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            return failed(null, ErrorCode.WS_INVALID_MESSAGE, "the message could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            return failed(null, ErrorCode.WS_INVALID_MESSAGE,
                "a message must be a JSON object {\"type\": ..., \"id\": ..., \"payload\": {...}}");
        }
        JsonNode idNode = root.get("id");
        String id = null;
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual() || idNode.textValue().length() > MAX_ID_LENGTH) {
                return failed(null, ErrorCode.WS_INVALID_MESSAGE,
                    "'id' must be a string of at most " + MAX_ID_LENGTH + " characters");
            }
            id = idNode.textValue();
        }
        JsonNode typeNode = root.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            return failed(id, ErrorCode.WS_INVALID_MESSAGE,
                "'type' is required and must be a string: subscribe, unsubscribe, publish, ping, pong or auth");
        }
        JsonNode payload = root.get("payload");
        if (payload != null && !payload.isNull() && !payload.isObject()) {
            return failed(id, ErrorCode.WS_INVALID_MESSAGE, "'payload' must be a JSON object");
        }
        try {
            String type = typeNode.textValue();
            ClientMessage message = switch (type) {
                case "subscribe" -> subscribe(id, required(payload, type));
                case "unsubscribe" -> unsubscribe(id, required(payload, type));
                case "publish" -> new ClientMessage.Publish(id, NewEvents.fromJson(required(payload, type),
                    "payload"));
                case "ping" -> new ClientMessage.Ping(id);
                case "pong" -> new ClientMessage.Pong(id);
                case "auth" -> auth(id, required(payload, type));
                default -> throw new GatewayException(ErrorCode.WS_UNKNOWN_TYPE,
                    "unknown message type '" + abbreviate(type)
                        + "': use subscribe, unsubscribe, publish, ping, pong or auth",
                    Map.of("type", abbreviate(type)));
            };
            return new Decoded(id, message, null);
        } catch (GatewayException e) {
            return new Decoded(id, null, e);
        }
    }

    private static JsonNode required(@Nullable JsonNode payload, String type) {
        if (payload == null || payload.isNull()) {
            throw invalid("'payload' is required for " + type);
        }
        return payload;
    }

    private static ClientMessage subscribe(@Nullable String id, JsonNode payload) {
        List<String> topics = topics(payload);
        List<TopicPattern> patterns = patterns(topics);
        EventSelector selector = EventSelector.fromJson(payload.get("filters"), payload.get("events"));
        JsonNode sinceNode = payload.get("since");
        Long since = null;
        if (sinceNode != null && !sinceNode.isNull()) {
            if (!sinceNode.isIntegralNumber() || !sinceNode.canConvertToLong() || sinceNode.longValue() < 0) {
                throw invalid("'since' must be an integer >= 0: the last seq the client processed");
            }
            since = sinceNode.longValue();
        }
        return new ClientMessage.Subscribe(id, new SubscribeCommand(id, patterns, topics, selector, since));
    }

    private static ClientMessage auth(@Nullable String id, JsonNode payload) {
        JsonNode token = payload.get("token");
        if (token == null || !token.isTextual() || token.textValue().isBlank()) {
            throw invalid("'payload.token' is required: the new token (or API key) as a string");
        }
        return new ClientMessage.Auth(id, token.textValue().trim());
    }

    private static ClientMessage unsubscribe(@Nullable String id, JsonNode payload) {
        List<String> topics = topics(payload);
        return new ClientMessage.Unsubscribe(id, patterns(topics), topics);
    }

    private static List<String> topics(JsonNode payload) {
        JsonNode node = payload.get("topics");
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw invalid("'payload.topics' is required: a non-empty array of patterns such as [\"task:*\"]");
        }
        List<String> topics = new ArrayList<>(node.size());
        for (JsonNode entry : node) {
            if (!entry.isTextual()) {
                throw invalid("every entry of 'payload.topics' must be a string");
            }
            topics.add(entry.textValue());
        }
        return topics;
    }

    private static List<TopicPattern> patterns(List<String> topics) {
        List<TopicPattern> patterns = new ArrayList<>(topics.size());
        for (String topic : topics) {
            patterns.add(TopicPattern.parse(topic));
        }
        return patterns;
    }

    private static Decoded failed(@Nullable String id, ErrorCode code, String message) {
        return new Decoded(id, null, new GatewayException(code, message));
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.WS_INVALID_MESSAGE, message);
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    private static String firstLine(@Nullable String s) {
        if (s == null) {
            return "unreadable input";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
