package io.eventgateway.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.EventCodec;
import io.eventgateway.event.NewEvent;
import io.eventgateway.event.NewEvents;
import io.eventgateway.topic.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Fuzz test (Jazzer) of the REST body parser of {@code POST /api/events}: any body is either a list of 1 to 1000
 * valid events, in the body's order, or a {@link GatewayException} whose code is a client error REST answers with
 * (4xx, not retryable) and whose error body can be written. Anything else thrown is a bug: REST would answer 500.
 *
 * <p>It is also a differential test. The parser reads the body in one streaming pass and keeps each event's
 * {@code data} as its text; the oracle is how the body was read before, and how the rules read: the whole body
 * into a tree (Jackson's own validation, trailing tokens refused), then {@link NewEvents#fromJson} on each
 * element. Both must accept the same bodies with equal events (the same {@code data} as JSON, whatever its
 * spacing), or refuse them with the same error code and, unless the body is not valid JSON (where the wording is
 * the parser's), the same message.
 *
 * <p>A normal build replays {@code src/test/resources/io/eventgateway/server/rest/EventsBodyFuzzTestInputs/
 * parseBody/}; {@code scripts/fuzz rest} fuzzes it (docs/FUZZING.md).
 */
final class EventsBodyFuzzTest {

    private static final Set<ErrorCode> BODY_CODES = Set.of(ErrorCode.BAD_REQUEST, ErrorCode.PAYLOAD_TOO_LARGE,
        ErrorCode.WS_INVALID_MESSAGE, ErrorCode.WS_INVALID_TOPIC);

    private static final ObjectReader TREE_READER =
        EventCodec.JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @FuzzTest
    @DictionaryEntries({"{\"topic\":", "\"eventType\":", "\"data\":", "\"idempotencyKey\":", "\"task:T-1\"",
        "\"task:*\"", "\"task.progress\"", "null", "true", "1e400", "[", "]", "{", "}", ",", ":", "\"", "\\u0000"})
    void parseBody(byte[] body) {
        Outcome expected = viaTree(body);
        EventsResource.Body read;
        try {
            read = EventsResource.read(body);
        } catch (GatewayException e) {
            assertThat(e.code()).as("%s", e.getMessage()).isIn(BODY_CODES);
            assertThat(e.code().httpStatus()).isBetween(400, 499);
            assertThat(e.code().retryable()).isFalse();
            assertThat(e.getMessage()).isNotBlank();
            assertThat(errorBody(e)).as("the error body can be written").isTrue();
            assertThat(expected.error).as("refused (%s), but the tree reading accepts it", e.getMessage()).isNotNull();
            assertThat(e.code()).as("%s; the tree reading: %s", e.getMessage(), expected.error.getMessage())
                .isEqualTo(expected.error.code());
            if (!expected.malformed) {
                assertThat(e.getMessage()).isEqualTo(expected.error.getMessage());
                assertThat(e.details()).isEqualTo(expected.error.details());
            }
            return;
        }
        assertThat(expected.error).as("accepted, but the tree reading refuses it").isNull();
        assertThat(read.single()).isEqualTo(expected.single);
        assertThat(read.events()).isEqualTo(expected.events);
        checkEvents(read.events());
    }

    private static void checkEvents(List<NewEvent> events) {
        assertThat(events).isNotEmpty().hasSizeLessThanOrEqualTo(EventsResource.MAX_BATCH);
        for (NewEvent event : events) {
            assertThat(Topic.parse(event.topic().value())).isEqualTo(event.topic());
            assertThat(event.eventType()).isNotEmpty().hasSizeLessThanOrEqualTo(NewEvents.MAX_EVENT_TYPE_LENGTH);
            assertThat(event.eventType().chars().noneMatch(Character::isISOControl)).isTrue();
            if (event.idempotencyKey() != null) {
                assertThat(event.idempotencyKey()).isNotEmpty()
                    .hasSizeLessThanOrEqualTo(NewEvents.MAX_IDEMPOTENCY_KEY_LENGTH);
            }
            // The text kept for the row and the frame is one JSON object, and the same one as its tree.
            JsonNode reread = reread(event.eventData().json());
            assertThat(reread.isObject()).as(event.eventData().json()).isTrue();
            assertThat(reread).isEqualTo(event.data());
        }
    }

    private static JsonNode reread(String json) {
        try {
            return TREE_READER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("the kept data is not JSON: " + json, e);
        }
    }

    @Test
    void aBodyThatIsNotUtf8IsRefusedWithWhereItStopsBeingUtf8() {
        byte[] body = "[{\"topic\":\"task:T-1\",\"eventType\":\"x\",\"data\":{\"s\":\"\u00e9?\"}}]"
            .getBytes(StandardCharsets.UTF_8);
        body[body.length - 5] = (byte) 0xff; // the "?", after the two bytes of the e-acute

        assertThatThrownBy(() -> EventsResource.read(body)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(e.getMessage()).isEqualTo("the body is not valid JSON: it is not valid UTF-8 (byte "
                + (body.length - 5) + ")");
        });
    }

    /** What the body's rules give when it is read into a tree first. */
    private record Outcome(boolean single, List<NewEvent> events, @Nullable GatewayException error,
            boolean malformed) {
    }

    private static Outcome viaTree(byte[] body) {
        JsonNode root;
        try {
            // JSON on the wire is UTF-8 (RFC 8259): the tree is read from the strictly decoded text, so a body in
            // another encoding, which Jackson would detect from its bytes, is malformed here too.
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
                if (text.isBlank()) {
                    // A byte order mark and nothing else: Jackson's byte reader does not take it for a mark.
                    return refused(new GatewayException(ErrorCode.BAD_REQUEST, "only a byte order mark"), true);
                }
            }
            root = TREE_READER.readTree(text);
        } catch (CharacterCodingException e) {
            return refused(new GatewayException(ErrorCode.BAD_REQUEST, "not UTF-8"), true);
        } catch (JacksonException e) {
            return refused(new GatewayException(ErrorCode.BAD_REQUEST, "not JSON: " + e.getOriginalMessage()), true);
        }
        try {
            if (root == null || root.isMissingNode()) {
                throw new GatewayException(ErrorCode.BAD_REQUEST, "the body is empty: send one event "
                    + "{\"topic\", \"eventType\", \"data\"} or an array of them");
            }
            if (root.isObject()) {
                return new Outcome(true, List.of(NewEvents.fromJson(root, "the event")), null, false);
            }
            if (!root.isArray()) {
                throw new GatewayException(ErrorCode.BAD_REQUEST,
                    "the body must be one event object or an array of 1 to " + EventsResource.MAX_BATCH + " events");
            }
            if (root.isEmpty()) {
                throw new GatewayException(ErrorCode.BAD_REQUEST, "the array of events is empty");
            }
            if (root.size() > EventsResource.MAX_BATCH) {
                throw new GatewayException(ErrorCode.PAYLOAD_TOO_LARGE, "the array has " + root.size()
                    + " events; at most " + EventsResource.MAX_BATCH + " may be published in one request",
                    Map.of("max", EventsResource.MAX_BATCH));
            }
            List<NewEvent> events = new ArrayList<>(root.size());
            for (int i = 0; i < root.size(); i++) {
                events.add(NewEvents.fromJson(root.get(i), "event [" + i + "]"));
            }
            return new Outcome(false, events, null, false);
        } catch (GatewayException e) {
            return refused(e, false);
        }
    }

    private static Outcome refused(GatewayException error, boolean malformed) {
        return new Outcome(false, List.of(), error, malformed);
    }

    /** The error body as HttpErrors writes it: {@code {"error": {"code", "message", "details"}}}. */
    private static boolean errorBody(GatewayException e) {
        try {
            EventCodec.JSON.writeValueAsBytes(Map.of("error", Map.of("code", e.code().restCode(),
                "message", e.getMessage(), "details", e.details())));
            return true;
        } catch (JsonProcessingException x) {
            return false;
        }
    }
}
