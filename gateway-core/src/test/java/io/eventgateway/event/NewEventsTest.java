package io.eventgateway.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.error.ErrorCode;
import io.eventgateway.error.GatewayException;
import io.eventgateway.topic.Topic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link NewEvents#fromJson}: a published event, PROTOCOL.md sections 4, 8 and 10 point 1. */
final class NewEventsTest {

    private static JsonNode json(String text) {
        try {
            return EventCodec.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static ObjectNode base() {
        ObjectNode node = EventCodec.JSON.createObjectNode();
        node.put("topic", "bot:BOT-002");
        node.put("eventType", "task.progress");
        node.putObject("data").put("percent", 50);
        return node;
    }

    private static void assertInvalid(JsonNode node, ErrorCode code, String message) {
        assertThatThrownBy(() -> NewEvents.fromJson(node, "payload"))
            .isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.code()).isEqualTo(code);
                assertThat(e.getMessage()).contains(message);
            });
    }

    @Test
    void validEventIsRead() {
        NewEvent event = NewEvents.fromJson(base(), "payload");

        assertThat(event.topic()).isEqualTo(Topic.parse("bot:BOT-002"));
        assertThat(event.eventType()).isEqualTo("task.progress");
        assertThat(event.data()).isEqualTo(json("{\"percent\":50}"));
        assertThat(event.idempotencyKey()).isNull();
    }

    @Test
    void idempotencyKeyIsRead() {
        ObjectNode node = base();
        node.put("idempotencyKey", "orch-42:T-9");

        assertThat(NewEvents.fromJson(node, "payload").idempotencyKey()).isEqualTo("orch-42:T-9");
        node.put("idempotencyKey", "k".repeat(128));
        assertThat(NewEvents.fromJson(node, "payload").idempotencyKey()).hasSize(128);
        node.putNull("idempotencyKey");
        assertThat(NewEvents.fromJson(node, "payload").idempotencyKey()).isNull();
    }

    @Test
    void missingOrNullDataBecomesAnEmptyObject() {
        ObjectNode node = base();
        node.remove("data");
        assertThat(NewEvents.fromJson(node, "payload").data()).isEqualTo(json("{}"));
        node.putNull("data");
        assertThat(NewEvents.fromJson(node, "payload").data()).isEqualTo(json("{}"));
    }

    @Test
    void eventTypeOf1And128PrintableCharactersIsAccepted() {
        ObjectNode node = base();
        node.put("eventType", "x");
        assertThat(NewEvents.fromJson(node, "payload").eventType()).isEqualTo("x");
        node.put("eventType", "t".repeat(128));
        assertThat(NewEvents.fromJson(node, "payload").eventType()).hasSize(128);
        node.put("eventType", "t\u00e9 ype");
        assertThat(NewEvents.fromJson(node, "payload").eventType()).isEqualTo("t\u00e9 ype");
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "\"x\"", "1"})
    void somethingOtherThanAnObjectIsInvalidMessage(String text) {
        assertInvalid(json(text), ErrorCode.WS_INVALID_MESSAGE, "payload must be an object {topic, eventType, data}");
        assertThatThrownBy(() -> NewEvents.fromJson(null, "payload"))
            .isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.WS_INVALID_MESSAGE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"MISSING", "null", "1", "[\"task:T-1\"]", "{}"})
    void missingOrNonStringTopicIsInvalidMessage(String topic) {
        ObjectNode node = base();
        if (topic.equals("MISSING")) {
            node.remove("topic");
        } else {
            node.set("topic", json(topic));
        }
        assertInvalid(node, ErrorCode.WS_INVALID_MESSAGE, "payload.topic is required and must be a string");
    }

    @ParameterizedTest
    @ValueSource(strings = {"task:*", "*", "stream:Stream-*", "task", "", "Task:T-1", "task:A*B", "task:*:x"})
    void patternOrInvalidTopicIsInvalidTopicWithDetails(String topic) {
        ObjectNode node = base();
        node.put("topic", topic);

        assertThatThrownBy(() -> NewEvents.fromJson(node, "payload"))
            .isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.WS_INVALID_TOPIC);
                assertThat(e.details()).containsEntry("topic", topic);
            });
    }

    @ParameterizedTest
    @ValueSource(strings = {"task:*", "*", "stream:Stream-*"})
    void patternAsTopicSaysEventsGoToConcreteTopics(String pattern) {
        ObjectNode node = base();
        node.put("topic", pattern);

        assertInvalid(node, ErrorCode.WS_INVALID_TOPIC, "invalid topic '" + pattern + "' in payload: events are"
            + " published to a concrete topic, not a pattern");
    }

    @ParameterizedTest
    @ValueSource(strings = {"task", "Task:T-1", "task:A*B", "task:T 1"})
    void malformedTopicExplainsTheTopicGrammar(String topic) {
        ObjectNode node = base();
        node.put("topic", topic);

        assertInvalid(node, ErrorCode.WS_INVALID_TOPIC, "a topic is entity:id");
    }

    @Test
    void messagesNameWhereTheEventIs() {
        ObjectNode node = base();
        node.remove("eventType");

        assertThatThrownBy(() -> NewEvents.fromJson(node, "event 3"))
            .isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.getMessage()).startsWith("event 3.eventType is required"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"MISSING", "null", "1", "true", "[\"a\"]", "{}", "\"\"", "\"a\\u0000b\"", "\"a\\nb\"",
        "\"tab\\there\"", "\"del\\u007f\"", "\"c1\\u0085\"", "LONG"})
    void badEventTypeIsInvalidMessage(String type) {
        ObjectNode node = base();
        if (type.equals("MISSING")) {
            node.remove("eventType");
        } else if (type.equals("LONG")) {
            node.put("eventType", "t".repeat(129));
        } else {
            node.set("eventType", json(type));
        }
        assertInvalid(node, ErrorCode.WS_INVALID_MESSAGE, "payload.eventType is required: a string of 1 to 128");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"x\"", "1", "true", "[{}]"})
    void dataThatIsNotAnObjectIsInvalidMessage(String data) {
        ObjectNode node = base();
        node.set("data", json(data));
        assertInvalid(node, ErrorCode.WS_INVALID_MESSAGE, "payload.data must be a JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "1", "true", "[\"k\"]", "{}", "LONG"})
    void badIdempotencyKeyIsInvalidMessage(String key) {
        ObjectNode node = base();
        if (key.equals("LONG")) {
            node.put("idempotencyKey", "k".repeat(129));
        } else {
            node.set("idempotencyKey", json(key));
        }
        assertInvalid(node, ErrorCode.WS_INVALID_MESSAGE, "payload.idempotencyKey must be a string of 1 to 128");
    }

    // ----- read: the same rules straight from a parser, data kept as its text -----

    private static NewEvent read(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = EventCodec.JSON.getFactory().createParser(bytes)) {
            p.nextToken();
            NewEvent event = NewEvents.read(p, bytes, "payload");
            assertThat(p.currentToken()).as("left on the object's last token").isEqualTo(JsonToken.END_OBJECT);
            assertThat(p.nextToken()).isNull();
            return event;
        }
    }

    @Test
    void readKeepsDataAsItsTextInTheBody() throws IOException {
        String data = "{ \"pct\" : 50, \"s\": \"}{\\\"\u20ac\ud83d\ude00\", \"n\": {\"a\": [ ]} }";
        NewEvent event = read("{\"topic\":\"bot:BOT-002\", \"data\": " + data
            + " , \"eventType\":\"task.progress\",\"idempotencyKey\":\"k-1\"}");

        assertThat(event.eventData().json()).isEqualTo(data);
        assertThat(event.topic()).isEqualTo(Topic.parse("bot:BOT-002"));
        assertThat(event.eventType()).isEqualTo("task.progress");
        assertThat(event.idempotencyKey()).isEqualTo("k-1");
        assertThat(event.data().get("s").textValue()).isEqualTo("}{\"\u20ac\ud83d\ude00");
    }

    @Test
    void readAndFromJsonAgreeOnTheSameObject() throws IOException {
        String text = "{\"topic\":\"bot:BOT-002\",\"eventType\":\"t\",\"extra\":[{\"data\":1}],"
            + "\"data\":[1],\"data\":{\"x\":1.0}}";

        NewEvent streamed = read(text);

        assertThat(streamed).isEqualTo(NewEvents.fromJson(json(text), "payload"));
        assertThat(streamed.eventData().json()).as("the last of duplicate keys, as a tree has it")
            .isEqualTo("{\"x\":1.0}");
        assertThat(read("{\"topic\":\"bot:BOT-002\",\"eventType\":\"t\",\"data\":null}").eventData())
            .isSameAs(EventData.EMPTY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1]", "\"x\"", "7", "true"})
    void readRefusesDataThatIsNotAnObjectAfterReadingItAll(String data) {
        assertThatThrownBy(() -> read("{\"topic\":\"bot:BOT-002\",\"data\":" + data + ",\"eventType\":\"t\"}"))
            .isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.WS_INVALID_MESSAGE);
                assertThat(e.getMessage()).isEqualTo("payload.data must be a JSON object");
            });
    }

    @Test
    void readOfSomethingOtherThanAnObjectSkipsIt() throws IOException {
        byte[] bytes = "[[1, {\"a\": 2}], 3]".getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = EventCodec.JSON.getFactory().createParser(bytes)) {
            p.nextToken();
            p.nextToken();
            assertThatThrownBy(() -> NewEvents.read(p, bytes, "event [0]"))
                .hasMessage("event [0] must be an object {topic, eventType, data}");
            assertThat(p.nextToken()).isEqualTo(JsonToken.VALUE_NUMBER_INT);
            assertThat(p.getIntValue()).isEqualTo(3);
        }
    }

    @Test
    void invalidUtf8AtGivesTheFirstByteThatIsNotPartOfAValidSequence() {
        assertThat(NewEvents.invalidUtf8At("{\"a\":1}".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(NewEvents.invalidUtf8At("{\"\u20ac\ud83d\ude00\u00e9\"}".getBytes(StandardCharsets.UTF_8)))
            .isEqualTo(-1);
        assertThat(NewEvents.invalidUtf8At(new byte[0])).isEqualTo(-1);
        assertThat(NewEvents.invalidUtf8At(new byte[] {'a', 'b', (byte) 0xff})).as("not a lead byte").isEqualTo(2);
        assertThat(NewEvents.invalidUtf8At(new byte[] {'a', (byte) 0xe2, (byte) 0x82})).as("cut short").isEqualTo(1);
        assertThat(NewEvents.invalidUtf8At(new byte[] {'a', (byte) 0xc3, (byte) 0xa9, (byte) 0xc0, (byte) 0xaf}))
            .as("overlong '/' after an e-acute").isEqualTo(3);
        assertThat(NewEvents.invalidUtf8At(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}))
            .as("a surrogate encoded on its own").isEqualTo(0);
    }
}
