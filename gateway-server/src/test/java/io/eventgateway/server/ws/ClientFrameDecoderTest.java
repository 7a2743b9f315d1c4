package io.eventgateway.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.event.NewEvent;
import io.eventgateway.topic.Topic;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ClientFrameDecoder}'s two readers: a {@code publish} read in one pass, everything else (and every error
 * about the frame around the event) read into a tree, with one answer whichever reads it.
 */
final class ClientFrameDecoderTest {

    private static final String EVENT =
        "{\"topic\":\"task:T-1\",\"eventType\":\"task.progress\",\"data\":{\"pct\":50}}";

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String publish(String id, String payload) {
        return "{\"type\":\"publish\",\"id\":" + id + ",\"payload\":" + payload + "}";
    }

    @Test
    void publishIsReadInOnePassWithDataKeptAsItsText() {
        String data = "{ \"pct\" : 1.50, \"s\": \"\u20ac\ud83d\ude00 }{\" }";
        byte[] frame = utf8(" {\"payload\" : {\"data\": " + data + ", \"eventType\":\"task.progress\","
            + "\"topic\":\"task:T-1\",\"idempotencyKey\":\"k-1\"}, \"extra\": [1, {\"type\": \"ping\"}],"
            + " \"id\": \"p-\\u00e9\", \"type\": \"publish\"} \n");

        ClientFrameDecoder.Decoded decoded = ClientFrameDecoder.publish(frame);

        assertThat(decoded).as("read by the streaming reader").isNotNull();
        assertThat(decoded.id()).isEqualTo("p-\u00e9");
        assertThat(decoded.message()).isInstanceOf(ClientMessage.Publish.class);
        NewEvent event = ((ClientMessage.Publish) decoded.message()).event();
        assertThat(event.eventData().json()).as("data as published, not rewritten").isEqualTo(data);
        assertThat(event.topic()).isEqualTo(Topic.parse("task:T-1"));
        assertThat(event.eventType()).isEqualTo("task.progress");
        assertThat(event.idempotencyKey()).isEqualTo("k-1");
        assertThat(decoded.message().id()).isEqualTo("p-\u00e9");
        assertSameAnswer(decoded, ClientFrameDecoder.decodeTree(frame));
    }

    @Test
    void anInvalidEventInAValidFrameIsAnsweredByTheStreamingReaderWithTheTreesMessage() {
        byte[] frame = utf8(publish("\"p-2\"", "{\"topic\":\"task:*\",\"eventType\":\"x\"}"));

        ClientFrameDecoder.Decoded decoded = ClientFrameDecoder.publish(frame);

        assertThat(decoded).isNotNull();
        assertThat(decoded.id()).isEqualTo("p-2");
        assertThat(decoded.error().code()).isEqualTo(ErrorCode.WS_INVALID_TOPIC);
        assertThat(decoded.error().getMessage()).startsWith("invalid topic 'task:*' in payload: events are published");
        assertSameAnswer(decoded, ClientFrameDecoder.decodeTree(frame));
    }

    /** Frames and whether the streaming reader answers them (true) or leaves them to the tree (false). */
    static Stream<Arguments> frames() {
        String longId = "\"" + "i".repeat(ClientFrameDecoder.MAX_ID_LENGTH + 1) + "\"";
        String maxId = "\"" + "i".repeat(ClientFrameDecoder.MAX_ID_LENGTH) + "\"";
        String deep = "{\"a\":".repeat(1200) + "1" + "}".repeat(1200);
        return Stream.of(
            Arguments.of(publish("\"p\"", EVENT), true),
            Arguments.of("\uFEFF" + publish("\"p\"", EVENT), true),
            Arguments.of(publish("null", EVENT), true),
            Arguments.of(publish(maxId, EVENT), true),
            Arguments.of("{\"type\":\"publish\",\"payload\":" + EVENT + "}", true),
            Arguments.of(publish("\"p\"", "{\"topic\":\"task:T-1\",\"eventType\":\"x\",\"data\":null}"), true),
            Arguments.of(publish("\"p\"", "{\"topic\":\"task:T-1\",\"eventType\":\"x\",\"data\":[1]}"), true),
            Arguments.of(publish("\"p\"", "{\"topic\":\"task:T-1\",\"data\":{}}"), true),
            Arguments.of(publish("\"p\"", "{\"topic\":\"task:T-1\",\"eventType\":\"x\",\"idempotencyKey\":7}"),
                true),
            Arguments.of(publish("\"p\"", "{\"topic\":\"not a topic\",\"eventType\":\"x\"}"), true),
            Arguments.of(publish("\"p\"", "{\"topic\":\"task:T-1\",\"eventType\":\"x\",\"data\":{\"n\":1"
                + "0".repeat(1200) + "}}"), false),
            Arguments.of(publish("\"p\"", "{\"topic\":\"task:T-1\",\"eventType\":\"x\",\"data\":" + deep + "}"),
                false),
            Arguments.of(publish(longId, EVENT), false),
            Arguments.of(publish("7", EVENT), false),
            Arguments.of(publish("\"p\"", "null"), false),
            Arguments.of(publish("\"p\"", "[" + EVENT + "]"), false),
            Arguments.of("{\"type\":\"publish\",\"id\":\"p\"}", false),
            Arguments.of("{\"id\":\"p\",\"payload\":" + EVENT + "}", false),
            Arguments.of("{\"type\":7,\"payload\":" + EVENT + "}", false),
            Arguments.of("{\"type\":\"publish\",\"type\":\"publish\",\"payload\":" + EVENT + "}", false),
            Arguments.of("{\"type\":\"publish\",\"id\":\"a\",\"id\":\"b\",\"payload\":" + EVENT + "}", false),
            Arguments.of("{\"type\":\"publish\",\"payload\":" + EVENT + ",\"payload\":" + EVENT + "}", false),
            Arguments.of("{\"type\":\"subscribe\",\"id\":\"s\",\"payload\":{\"topics\":[\"task:*\"]}}", false),
            Arguments.of("{\"type\":\"ping\",\"id\":\"x\"}", false),
            Arguments.of(publish("\"p\"", EVENT) + " {}", false),
            Arguments.of(publish("\"p\"", EVENT) + "]", false),
            Arguments.of(publish("\"p\"", EVENT).replace("}}}", "}}"), false),
            Arguments.of(publish("\"p\"", "{\"topic\":\"task:T-1\",\"eventType\":\"x\",\"data\":{\"s\":\"\\x\"}}"),
                false),
            Arguments.of("[" + publish("\"p\"", EVENT) + "]", false),
            Arguments.of("", false),
            Arguments.of("publish", false));
    }

    @ParameterizedTest
    @MethodSource("frames")
    void bothReadersGiveOneAnswer(String text, boolean streamed) {
        byte[] frame = utf8(text);

        ClientFrameDecoder.Decoded fast = ClientFrameDecoder.publish(frame);
        ClientFrameDecoder.Decoded tree = ClientFrameDecoder.decodeTree(frame);

        assertThat(fast != null).as("read by the streaming reader").isEqualTo(streamed);
        assertSameAnswer(ClientFrameDecoder.decode(frame), tree);
        if (fast != null) {
            assertSameAnswer(fast, tree);
        }
    }

    @Test
    void bytesThatAreNotUtf8AreLeftToTheTreeWhereverTheyAre() {
        byte[] inData = frameWith(publish("\"p\"", "{\"topic\":\"task:T-1\",\"eventType\":\"x\",\"data\":{\"s\":\""),
            new byte[] {(byte) 0xff, (byte) 0xfe}, "\"}}}");
        byte[] inName = frameWith(publish("\"p\"", "{\"topic\":\"task:T-1\",\"eventType\":\"x\",\"data\":{\""),
            new byte[] {(byte) 0xc0, (byte) 0xaf}, "\":1}}}");

        for (byte[] frame : List.of(inData, inName)) {
            assertThat(ClientFrameDecoder.publish(frame)).isNull();
            assertSameAnswer(ClientFrameDecoder.decode(frame), ClientFrameDecoder.decodeTree(frame));
        }
        assertThat(ClientFrameDecoder.decode(inData).error().getMessage())
            .isEqualTo("the message is not valid JSON: Invalid UTF-8 start byte 0xff");
    }

    private static byte[] frameWith(String head, byte[] middle, String tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8(head));
        out.writeBytes(middle);
        out.writeBytes(utf8(tail));
        return out.toByteArray();
    }

    /** One answer: the same id and message, or the same error (code, message and details). */
    static void assertSameAnswer(ClientFrameDecoder.@Nullable Decoded actual, ClientFrameDecoder.Decoded expected) {
        assertThat(actual).isNotNull();
        assertThat(actual.id()).isEqualTo(expected.id());
        assertThat(actual.message()).isEqualTo(expected.message());
        if (expected.error() == null) {
            assertThat(actual.error()).isNull();
        } else {
            assertThat(actual.error()).isNotNull();
            assertThat(actual.error().code()).isEqualTo(expected.error().code());
            assertThat(actual.error().getMessage()).isEqualTo(expected.error().getMessage());
            assertThat(actual.error().details()).isEqualTo(expected.error().details());
        }
    }
}
