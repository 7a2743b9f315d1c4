package io.eventgateway.server.ws;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.EventCodec;
import io.eventgateway.event.EventSelector;
import io.eventgateway.event.NewEvent;
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
 *
 * <p>Two readers, one answer. A valid {@code publish}, nearly every message a busy connection sends, is read in one
 * pass of a streaming parser ({@link #publish}), its {@code data} kept as the message's text like a REST body's;
 * every other message, and a {@code publish} with anything wrong or unusual in it, is read into a tree
 * ({@link #decodeTree}), which gives every error its message. Why: reading the frame into a tree and serializing
 * {@code data} again for the event frame was a third of the gateway's allocation in many-topics (async-profiler);
 * with the one pass, JMH ClientFrameDecoderBenchmark gives 965 instead of 1,191 ns and 2,688 instead of 3,805 B per
 * message and its event frame, and many-topics allocates 28-29 MB/s instead of 36-37 (docs/BENCHMARKS.md).
 * ClientFrameDecoderFuzzTest checks that the two agree on whatever the streaming reader accepts.
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
        Decoded publish = publish(utf8);
        return publish != null ? publish : decodeTree(utf8);
    }

    /**
     * A {@code publish} message read in one pass, or null when the message is anything else or anything about it
     * is wrong or unusual (not UTF-8, not JSON, another type, a field twice, an {@code id} that is not a short
     * string, no {@code payload} object, something after the object): {@link #decodeTree} then gives the answer
     * and the error message it always gave. An invalid event is answered here, with the same message as from a
     * tree ({@link NewEvents#read}): the frame around it is known to be valid by then.
     */
    static @Nullable Decoded publish(byte[] utf8) {
        if (NewEvents.invalidUtf8At(utf8) >= 0) {
            return null;
        }
        // A plain parser, as EventsResource reads a REST body: the tree reader's trailing-token check does not apply
        // to one, so the loop below checks for trailing content itself.
        try (JsonParser p = EventCodec.JSON.getFactory().createParser(utf8)) {
            if (!(p instanceof UTF8StreamJsonParser) || p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String id = null;
            boolean idSeen = false;
            boolean typeSeen = false;
            NewEvent event = null;
            GatewayException invalid = null;
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                JsonToken token = p.nextToken();
                switch (name) {
                    case "id" -> {
                        if (idSeen || token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NULL) {
                            return null;
                        }
                        idSeen = true;
                        id = token == JsonToken.VALUE_NULL ? null : p.getText();
                        if (id != null && id.length() > MAX_ID_LENGTH) {
                            return null;
                        }
                    }
                    case "type" -> {
                        if (typeSeen || token != JsonToken.VALUE_STRING || !"publish".equals(p.getText())) {
                            return null;
                        }
                        typeSeen = true;
                    }
                    case "payload" -> {
                        if (event != null || invalid != null || token != JsonToken.START_OBJECT) {
                            return null;
                        }
                        try {
                            event = NewEvents.read(p, utf8, "payload");
                        } catch (GatewayException e) {
                            invalid = e;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (!typeSeen || event == null && invalid == null || p.nextToken() != null) {
                return null;
            }
            return invalid != null ? new Decoded(id, null, invalid)
                : new Decoded(id, new ClientMessage.Publish(id, event), null);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Any message, read into a tree first: the reader of every message but a valid {@code publish}, and of every
     * error.
     */
    static Decoded decodeTree(byte[] utf8) {
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
