package io.eventgateway.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.event.EventCodec;
import io.eventgateway.event.NewEvent;
import io.eventgateway.event.NewEvents;
import io.eventgateway.hub.SubscribeCommand;
import io.eventgateway.topic.Topic;
import io.eventgateway.topic.TopicPattern;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Fuzz test (Jazzer) of the client-frame decoder: any text frame decodes to exactly one of a message that obeys
 * PROTOCOL.md sections 3 and 4, or an error with a WebSocket protocol code; it never throws; and the one-pass
 * reader of {@code publish} messages answers only what reading the frame into a tree answers.
 *
 * <p>A normal build replays {@code src/test/resources/io/eventgateway/server/ws/ClientFrameDecoderFuzzTestInputs/
 * decode/}; {@code scripts/fuzz decoder} fuzzes it (docs/FUZZING.md).
 */
final class ClientFrameDecoderFuzzTest {

    /** The codes a frame can be refused with: the request is wrong, never the gateway. */
    private static final Set<ErrorCode> PROTOCOL_CODES =
        Set.of(ErrorCode.WS_INVALID_MESSAGE, ErrorCode.WS_UNKNOWN_TYPE, ErrorCode.WS_INVALID_TOPIC);

    private static final ObjectReader STRICT =
        EventCodec.JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @FuzzTest
    @DictionaryEntries({"{\"type\":", "\"subscribe\"", "\"unsubscribe\"", "\"publish\"", "\"ping\"", "\"pong\"",
        "\"auth\"", "\"id\":", "\"payload\":", "\"topics\":", "\"filters\":", "\"events\":", "\"since\":",
        "\"topic\":", "\"eventType\":", "\"data\":", "\"idempotencyKey\":", "\"token\":", "\"task:*\"",
        "\"task:T-1\"", "\"*\"", "null", "true", "1e400", "-1", "9223372036854775808", "[", "]", "{", "}", ",", ":"})
    void decode(byte[] frame) {
        ClientFrameDecoder.Decoded decoded = ClientFrameDecoder.decode(frame);
        ClientFrameDecoder.Decoded streamed = ClientFrameDecoder.publish(frame);
        if (streamed != null) {
            // Whatever the one-pass reader of publish messages answers, reading the frame into a tree answers too.
            ClientFrameDecoderTest.assertSameAnswer(streamed, ClientFrameDecoder.decodeTree(frame));
        }

        assertThat(decoded.message() == null).as("exactly one of message and error").isEqualTo(decoded.error() != null);
        if (decoded.id() != null) {
            assertThat(decoded.id().length()).isLessThanOrEqualTo(ClientFrameDecoder.MAX_ID_LENGTH);
        }
        JsonNode root = readObject(frame);
        if (decoded.error() != null) {
            GatewayException error = decoded.error();
            assertThat(error.code()).as("%s", error.getMessage()).isIn(PROTOCOL_CODES);
            assertThat(error.getMessage()).isNotBlank();
            assertThat(encodable(error)).as("the error frame can be written").isTrue();
            if (root == null) {
                assertThat(error.code()).isEqualTo(ErrorCode.WS_INVALID_MESSAGE);
                assertThat(decoded.id()).isNull();
            }
            return;
        }
        assertThat(root).as("a message decoded from a frame that is not a JSON object").isNotNull();
        ClientMessage message = decoded.message();
        assertThat(message.id()).isEqualTo(decoded.id());
        assertThat(message.id()).isEqualTo(root.path("id").textValue());
        String type = root.get("type").textValue();
        JsonNode payload = root.get("payload");
        if (message instanceof ClientMessage.Subscribe subscribe) {
            assertThat(type).isEqualTo("subscribe");
            SubscribeCommand command = subscribe.command();
            assertThat(command.requestId()).isEqualTo(message.id());
            checkPatterns(payload, command.patterns(), command.topics());
            if (command.since() != null) {
                assertThat(command.since()).isNotNegative();
                assertThat(command.since()).isEqualTo(payload.get("since").longValue());
            } else {
                assertThat(payload.path("since").isMissingNode() || payload.get("since").isNull()).isTrue();
            }
        } else if (message instanceof ClientMessage.Unsubscribe unsubscribe) {
            assertThat(type).isEqualTo("unsubscribe");
            checkPatterns(payload, unsubscribe.patterns(), unsubscribe.topics());
        } else if (message instanceof ClientMessage.Publish publish) {
            assertThat(type).isEqualTo("publish");
            checkEvent(publish.event());
            assertThat(publish.event()).isEqualTo(NewEvents.fromJson(payload, "payload"));
        } else if (message instanceof ClientMessage.Ping) {
            assertThat(type).isEqualTo("ping");
        } else if (message instanceof ClientMessage.Pong) {
            assertThat(type).isEqualTo("pong");
        }
    }

    /** The frame as one JSON object, or null when it is not one (read independently of the decoder). */
    private static @Nullable JsonNode readObject(byte[] frame) {
        try {
            JsonNode root = STRICT.readTree(frame);
            return root != null && root.isObject() ? root : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void checkPatterns(JsonNode payload, List<TopicPattern> patterns, List<String> topics) {
        JsonNode array = payload.get("topics");
        assertThat(array.isArray()).isTrue();
        assertThat(topics).isNotEmpty().hasSize(array.size());
        assertThat(patterns).hasSize(topics.size());
        for (int i = 0; i < topics.size(); i++) {
            assertThat(topics.get(i)).isEqualTo(array.get(i).textValue());
            assertThat(patterns.get(i).value()).isEqualTo(topics.get(i));
            assertThat(TopicPattern.parse(topics.get(i))).isEqualTo(patterns.get(i));
        }
    }

    private static void checkEvent(NewEvent event) {
        assertThat(Topic.parse(event.topic().value())).isEqualTo(event.topic());
        assertThat(event.eventType()).isNotEmpty().hasSizeLessThanOrEqualTo(NewEvents.MAX_EVENT_TYPE_LENGTH);
        assertThat(event.eventType().chars().noneMatch(c -> Character.isISOControl(c))).isTrue();
        if (event.idempotencyKey() != null) {
            assertThat(event.idempotencyKey()).isNotEmpty()
                .hasSizeLessThanOrEqualTo(NewEvents.MAX_IDEMPOTENCY_KEY_LENGTH);
        }
        assertThat(event.data().isObject()).isTrue();
    }

    /** The error frame writes the details with the gateway's mapper (ServerFrames). */
    private static boolean encodable(GatewayException error) {
        try {
            EventCodec.JSON.writeValueAsBytes(Map.of("message", error.getMessage(), "details", error.details()));
            return true;
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
