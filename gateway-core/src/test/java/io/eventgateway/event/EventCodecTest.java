package io.eventgateway.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.topic.Topic;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link EventCodec} and {@link Event#frame()}: the {@code event} frame of PROTOCOL.md section 5. */
final class EventCodecTest {

    private static Event sampleEvent(Instant at) {
        ObjectNode data = EventCodec.JSON.createObjectNode();
        data.put("streamId", "Stream-A");
        data.put("progressPercentage", 50.0);
        data.putObject("nested").put("text", "h\u00e9llo \"quoted\"\n");
        data.putArray("list").add(1).add("two");
        return new Event(1051, Topic.parse("stream:Stream-A"), "stream.progress", at, data);
    }

    @Test
    void eventFrameParsesBackToTypeTimestampAndPayload() throws IOException {
        Event event = sampleEvent(Instant.parse("2026-01-08T12:34:56Z"));

        JsonNode frame = EventCodec.JSON.readTree(event.frame().bytes());

        assertThat(frame.size()).isEqualTo(3);
        assertThat(frame.get("type").textValue()).isEqualTo("event");
        assertThat(frame.get("timestamp").textValue()).isEqualTo("2026-01-08T12:34:56.000Z");
        JsonNode payload = frame.get("payload");
        assertThat(payload.size()).isEqualTo(4);
        assertThat(payload.get("seq").isIntegralNumber()).isTrue();
        assertThat(payload.get("seq").longValue()).isEqualTo(1051L);
        assertThat(payload.get("topic").textValue()).isEqualTo("stream:Stream-A");
        assertThat(payload.get("eventType").textValue()).isEqualTo("stream.progress");
        assertThat(payload.get("data")).isEqualTo(event.data());
        assertThat(payload.get("data").get("nested").get("text").textValue()).isEqualTo("h\u00e9llo \"quoted\"\n");
    }

    @Test
    void eventFrameIsExactlyTheProtocolJsonInFieldOrder() {
        ObjectNode data = EventCodec.JSON.createObjectNode();
        data.put("streamId", "Stream-A");
        data.put("progressPercentage", 50.0);
        Event event = new Event(1051, Topic.parse("stream:Stream-A"), "stream.progress",
            Instant.parse("2026-01-08T12:34:56Z"), data);

        assertThat(event.frame().toString()).isEqualTo("{\"type\":\"event\",\"timestamp\":\"2026-01-08T12:34:56.000Z\","
            + "\"payload\":{\"seq\":1051,\"topic\":\"stream:Stream-A\",\"eventType\":\"stream.progress\","
            + "\"data\":{\"streamId\":\"Stream-A\",\"progressPercentage\":50.0}}}");
    }

    @Test
    void eventWithEmptyDataHasAnEmptyDataObject() throws IOException {
        Event event = new Event(1, Topic.parse("a:b:c"), "t", Instant.EPOCH, EventCodec.JSON.createObjectNode());

        JsonNode payload = EventCodec.JSON.readTree(event.frame().bytes()).get("payload");

        assertThat(payload.get("topic").textValue()).isEqualTo("a:b:c");
        assertThat(payload.get("data").isObject()).isTrue();
        assertThat(payload.get("data").isEmpty()).isTrue();
    }

    @Test
    void frameIsValidUtf8AndItsLengthIsTheByteCount() {
        Event event = sampleEvent(Instant.EPOCH);
        EncodedFrame frame = event.frame();

        assertThat(frame.length()).isEqualTo(frame.bytes().length);
        assertThat(frame.toString()).isEqualTo(new String(frame.bytes(), StandardCharsets.UTF_8))
            .startsWith("{\"type\":\"event\"");
    }

    @Test
    void frameIsEncodedOnceAndSharedAcrossCalls() {
        Event event = sampleEvent(Instant.EPOCH);

        EncodedFrame first = event.frame();

        assertThat(event.frame()).isSameAs(first);
        assertThat(first.bytes()).isEqualTo(EventCodec.encodeEventFrame(event).bytes());
    }

    @ParameterizedTest
    @CsvSource({
        "2026-01-08T12:34:56Z, 2026-01-08T12:34:56.000Z",
        "2026-01-08T12:34:56.007Z, 2026-01-08T12:34:56.007Z",
        "2026-01-08T12:34:56.123456789Z, 2026-01-08T12:34:56.123Z",
        "1970-01-01T00:00:00Z, 1970-01-01T00:00:00.000Z",
        "2026-12-31T23:59:59.999Z, 2026-12-31T23:59:59.999Z",
        "2026-12-31T23:59:59.999999999Z, 2026-12-31T23:59:59.999Z",
        "0999-03-04T05:06:07.080Z, 0999-03-04T05:06:07.080Z",
        "2028-02-29T00:00:00.100Z, 2028-02-29T00:00:00.100Z"})
    void timestampIsUtcWithMilliseconds(String instant, String expected) {
        assertThat(EventCodec.timestamp(Instant.parse(instant))).isEqualTo(expected);
    }

    @Test
    void timestampIsWhatThePatternFormatterWrote() {
        // The wire format of every release so far: the same text for any instant from 1970 to 2170.
        DateTimeFormatter pattern = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE) * 3L,
                random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000));
            assertThat(EventCodec.timestamp(instant)).isEqualTo(pattern.format(instant));
        }
    }

    @Test
    void timestampIsWhatAnInstantFormatterWritesForAnyInstantInAnyOrder() {
        // The formatter the fast path stands for: any year (five digits and signs included), any millisecond, and
        // instants that stay in one second, move to the next, and come back to an earlier one (two threads' clocks).
        DateTimeFormatter formatter = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();
        Random random = new Random(11);
        long[] seconds = {0L, -1L, 1_767_225_600L, 253_402_300_799L, 253_402_300_800L, -62_167_219_200L,
            -62_167_219_201L, 31_556_889_864_403_199L, -31_557_014_167_219_200L};
        List<Instant> instants = new ArrayList<>();
        for (long second : seconds) {
            for (int nano : new int[] {0, 999_999, 1_000_000, 500_000_000, 999_999_999}) {
                instants.add(Instant.ofEpochSecond(second, nano));
            }
        }
        long now = 1_767_225_600L;
        for (int i = 0; i < 20_000; i++) {
            long second = switch (random.nextInt(4)) {
                case 0 -> now;
                case 1 -> now + 1;
                case 2 -> now - random.nextInt(3);
                default -> random.nextLong() % 300_000_000_000L;
            };
            now += random.nextInt(50) == 0 ? 1 : 0;
            instants.add(Instant.ofEpochSecond(second, random.nextInt(1_000_000_000)));
        }
        for (Instant instant : instants) {
            assertThat(EventCodec.timestamp(instant)).as("%s", instant).isEqualTo(formatter.format(instant));
        }
    }

    @Test
    void eventObjectIsThePayloadPlusTimestamp() throws IOException {
        Event event = sampleEvent(Instant.parse("2026-01-08T12:00:00.250Z"));
        StringWriter out = new StringWriter();
        try (JsonGenerator g = EventCodec.JSON.getFactory().createGenerator(out)) {
            EventCodec.writeEventObject(g, event);
        }

        JsonNode object = EventCodec.JSON.readTree(out.toString());

        assertThat(object.get("seq").longValue()).isEqualTo(1051L);
        assertThat(object.get("topic").textValue()).isEqualTo("stream:Stream-A");
        assertThat(object.get("eventType").textValue()).isEqualTo("stream.progress");
        assertThat(object.get("data")).isEqualTo(event.data());
        assertThat(object.get("timestamp").textValue()).isEqualTo("2026-01-08T12:00:00.250Z");
        assertThat(object.size()).isEqualTo(5);
    }
}
