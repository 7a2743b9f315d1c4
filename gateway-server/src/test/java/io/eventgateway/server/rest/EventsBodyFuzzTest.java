package io.eventgateway.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.EventCodec;
import io.eventgateway.event.NewEvent;
import io.eventgateway.event.NewEvents;
import io.eventgateway.topic.Topic;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuzz test (Jazzer) of the REST body parser of {@code POST /api/events}: any body is either a list of 1 to 1000
 * valid events, in the body's order, each the one the single-event parser reads from its element, or a
 * {@link GatewayException} whose code is a client error REST answers with (4xx, not retryable) and whose error
 * body can be written. Anything else thrown is a bug: REST would answer 500.
 *
 * <p>A normal build replays {@code src/test/resources/io/eventgateway/server/rest/EventsBodyFuzzTestInputs/
 * parseBody/}; {@code scripts/fuzz rest} fuzzes it (docs/FUZZING.md).
 */
final class EventsBodyFuzzTest {

    private static final Set<ErrorCode> BODY_CODES = Set.of(ErrorCode.BAD_REQUEST, ErrorCode.PAYLOAD_TOO_LARGE,
        ErrorCode.WS_INVALID_MESSAGE, ErrorCode.WS_INVALID_TOPIC);

    @FuzzTest
    @DictionaryEntries({"{\"topic\":", "\"eventType\":", "\"data\":", "\"idempotencyKey\":", "\"task:T-1\"",
        "\"task:*\"", "\"task.progress\"", "null", "true", "1e400", "[", "]", "{", "}", ",", ":", "\"", "\\u0000"})
    void parseBody(byte[] body) {
        List<NewEvent> events;
        try {
            JsonNode root = EventsResource.parse(body);
            events = EventsResource.events(root);
            checkEvents(root, events);
        } catch (GatewayException e) {
            assertThat(e.code()).as("%s", e.getMessage()).isIn(BODY_CODES);
            assertThat(e.code().httpStatus()).isBetween(400, 499);
            assertThat(e.code().retryable()).isFalse();
            assertThat(e.getMessage()).isNotBlank();
            assertThat(errorBody(e)).as("the error body can be written").isTrue();
        }
    }

    private static void checkEvents(JsonNode root, List<NewEvent> events) {
        assertThat(events).isNotEmpty().hasSizeLessThanOrEqualTo(EventsResource.MAX_BATCH);
        if (root.isObject()) {
            assertThat(events).containsExactly(NewEvents.fromJson(root, "the event"));
        } else {
            assertThat(root.isArray()).isTrue();
            assertThat(events).hasSize(root.size());
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i)).isEqualTo(NewEvents.fromJson(root.get(i), "event"));
            }
        }
        for (NewEvent event : events) {
            assertThat(Topic.parse(event.topic().value())).isEqualTo(event.topic());
            assertThat(event.eventType()).isNotEmpty().hasSizeLessThanOrEqualTo(NewEvents.MAX_EVENT_TYPE_LENGTH);
            assertThat(event.eventType().chars().noneMatch(Character::isISOControl)).isTrue();
            if (event.idempotencyKey() != null) {
                assertThat(event.idempotencyKey()).isNotEmpty()
                    .hasSizeLessThanOrEqualTo(NewEvents.MAX_IDEMPOTENCY_KEY_LENGTH);
            }
            assertThat(event.data().isObject()).isTrue();
        }
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
