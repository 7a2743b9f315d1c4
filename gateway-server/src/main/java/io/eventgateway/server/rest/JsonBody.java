package io.eventgateway.server.rest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.EventCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/**
 * The JSON object body of a state route (PROTOCOL.md section 8): 415 unless {@code Content-Type} is
 * {@code application/json}, 413 above {@link #MAX_BYTES}, 400 when it is not one JSON object or names a field the
 * route does not know; then typed access to each field, failing with 400 naming the field when its value has the
 * wrong type.
 */
final class JsonBody {

    /** The largest body a state route accepts. */
    static final int MAX_BYTES = 1024 * 1024;

    private static final ObjectReader READER =
        EventCodec.JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ObjectNode root;

    private JsonBody(ObjectNode root) {
        this.root = root;
    }

    /**
     * Reads and checks a request's body.
     *
     * @param request the request
     * @param fields the fields the route knows; any other is refused
     * @return the body
     */
    static Mono<JsonBody> read(HttpServerRequest request, Set<String> fields) {
        return Mono.defer(() -> {
            String contentType = request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE);
            if (!HttpErrors.isJson(contentType)) {
                return Mono.error(new GatewayException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "the body must be JSON with Content-Type: application/json (got "
                        + (contentType == null ? "none" : "'" + contentType + "'") + ")"));
            }
            return bytes(request).map(bytes -> parse(bytes, fields));
        });
    }

    /**
     * Checks a body that was already parsed (tests, tools).
     *
     * @param root the body
     * @param fields the fields the route knows
     * @return the body
     */
    static JsonBody of(JsonNode root, Set<String> fields) {
        if (!root.isObject()) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "the body must be a JSON object, got "
                + kind(root));
        }
        Set<String> unknown = new TreeSet<>();
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!fields.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw new GatewayException(ErrorCode.BAD_REQUEST, "unknown field" + (unknown.size() > 1 ? "s " : " ")
                + String.join(", ", unknown.stream().map(n -> "'" + n + "'").toList()) + "; the fields are "
                + String.join(", ", new TreeSet<>(fields)), Map.of("field", first));
        }
        return new JsonBody((ObjectNode) root);
    }

    private static JsonBody parse(byte[] bytes, Set<String> fields) {
        JsonNode root;
        try {
            root = READER.readTree(bytes);
        } catch (JacksonException e) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "the body could not be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "the body is empty: send a JSON object");
        }
        return of(root, fields);
    }

    /** The body, refused with 413 as soon as it is known to exceed {@link #MAX_BYTES}. */
    private static Mono<byte[]> bytes(HttpServerRequest request) {
        String length = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > MAX_BYTES) {
                    return Mono.error(tooLarge());
                }
            } catch (NumberFormatException e) {
                return Mono.error(new GatewayException(ErrorCode.BAD_REQUEST, "invalid Content-Length"));
            }
        }
        return request.receive().asByteArray()
            .reduce(new ByteArrayOutputStream(), (out, chunk) -> {
                if (out.size() + chunk.length > MAX_BYTES) {
                    throw tooLarge();
                }
                out.writeBytes(chunk);
                return out;
            })
            .map(ByteArrayOutputStream::toByteArray)
            .defaultIfEmpty(new byte[0]);
    }

    private static GatewayException tooLarge() {
        return new GatewayException(ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than " + MAX_BYTES
            + " bytes, the limit of the state routes", Map.of("maxBytes", MAX_BYTES));
    }

    /**
     * Whether the body has a field (null or not).
     *
     * @param field the field
     * @return true when present
     */
    boolean has(String field) {
        return root.has(field);
    }

    /**
     * A string field.
     *
     * @param field the field
     * @return its value, or null when absent or null
     */
    @Nullable String text(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw wrongType(field, "a string", node);
        }
        return node.asText();
    }

    /**
     * An integer field.
     *
     * @param field the field
     * @return its value, or null when absent or null
     */
    @Nullable Integer integer(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw wrongType(field, "an integer", node);
        }
        return node.intValue();
    }

    /**
     * A number field.
     *
     * @param field the field
     * @return its value, or null when absent or null
     */
    @Nullable Double number(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw wrongType(field, "a number", node);
        }
        return node.doubleValue();
    }

    /**
     * An object field.
     *
     * @param field the field
     * @return its value, or null when absent or null
     */
    @Nullable ObjectNode object(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw wrongType(field, "an object", node);
        }
        return (ObjectNode) node;
    }

    /**
     * Any JSON value.
     *
     * @param field the field
     * @return its value, or null when absent or null
     */
    @Nullable JsonNode value(String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node;
    }

    /**
     * A timestamp field: an ISO-8601 string with an offset, e.g. {@code 2026-01-08T12:00:00Z}.
     *
     * @param field the field
     * @return its value, or null when absent or null
     */
    @Nullable Instant time(String field) {
        String text = text(field);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "'" + field + "' must be an ISO-8601 time with an"
                + " offset such as 2026-01-08T12:00:00Z, got '" + text + "'", Map.of("field", field));
        }
    }

    /**
     * Fails unless a field is present and not null.
     *
     * @param field the field
     */
    void require(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "'" + field + "' is required", Map.of("field", field));
        }
    }

    private static GatewayException wrongType(String field, String expected, JsonNode got) {
        return new GatewayException(ErrorCode.BAD_REQUEST, "'" + field + "' must be " + expected + ", got "
            + kind(got), Map.of("field", field));
    }

    private static String kind(JsonNode node) {
        switch (node.getNodeType()) {
            case STRING:
                return "a string";
            case NUMBER:
                return "a number";
            case BOOLEAN:
                return "a boolean";
            case ARRAY:
                return "an array";
            case OBJECT:
                return "an object";
            case NULL:
                return "null";
            default:
                return node.getNodeType().name().toLowerCase(Locale.ROOT);
        }
    }
}
