package io.eventgateway.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Locale;

/**
 * Encodes events to JSON: the {@code event} frame of PROTOCOL.md section 5 (once per event, see
 * {@link Event#frame()}), and the event object listed by {@code GET /api/events}.
 */
public final class EventCodec {

    /** The one JSON mapper of the gateway: thread-safe once configured, never reconfigured. */
    public static final ObjectMapper JSON = JsonMapper.builder().build();

    /**
     * ISO-8601 UTC with exactly three fraction digits, as every {@code timestamp} on the wire:
     * {@code 2026-01-08T12:00:00.000Z}. {@code appendInstant(3)} prints the instant's fields directly; the pattern
     * formatter it replaces ({@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'} in UTC) went through a zoned print context and a
     * {@code BigDecimal} for the fraction: 18% of the gateway's allocation in a many-topics profile (two timestamps
     * per publish, the event's and the ack's); JMH {@code EventCodecBenchmark.encodeOnce} allocated 2,152 bytes per
     * event frame with it and 1,832 with this formatter alone (docs/BENCHMARKS.md). It now formats one text per
     * second, see {@link #lastSecond}.
     */
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

    /** {@code ".000Z"} to {@code ".999Z"}: the end of a timestamp, by millisecond. */
    private static final String[] MILLIS = new String[1000];

    static {
        for (int i = 0; i < MILLIS.length; i++) {
            MILLIS[i] = String.format(Locale.ROOT, ".%03dZ", i);
        }
    }

    /**
     * The text of the second last formatted, up to its seconds ({@code 2026-01-08T12:00:00}). Every timestamp of
     * that second is this text and one of {@link #MILLIS}: one concatenation instead of a formatter's print per call,
     * which was 12% of the gateway's allocation in a many-topics profile (two timestamps per publish). JMH
     * {@code EventCodecBenchmark.encodeOnce}: 1,848 -> 1,357 bytes and 582 -> 361 ns per event frame; many-topics
     * allocation 43 -> 36 MB/s (docs/BENCHMARKS.md). Immutable, published through the volatile field: a thread that
     * sees an older second formats its own.
     */
    private static volatile SecondText lastSecond = new SecondText(Long.MIN_VALUE, "");

    private EventCodec() {
    }

    /**
     * Formats an instant as a wire timestamp.
     *
     * @param instant the instant
     * @return e.g. {@code 2026-01-08T12:00:00.000Z}
     */
    public static String timestamp(Instant instant) {
        long second = instant.getEpochSecond();
        SecondText text = lastSecond;
        if (text.second != second) {
            // The formatter's text for the whole second ends in ".000Z" whatever the year's width.
            String whole = TIMESTAMP.format(Instant.ofEpochSecond(second));
            text = new SecondText(second, whole.substring(0, whole.length() - MILLIS[0].length()));
            lastSecond = text;
        }
        return text.text.concat(MILLIS[instant.getNano() / 1_000_000]);
    }

    /** A second and its text up to the seconds. */
    private record SecondText(long second, String text) {
    }

    /**
     * Encodes the complete {@code event} frame:
     * {@code {"type":"event","timestamp":..,"payload":{"seq":..,"topic":..,"eventType":..,"data":{..}}}}.
     *
     * @param event the event
     * @return its frame
     */
    public static EncodedFrame encodeEventFrame(Event event) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(256 + event.eventData().sizeHint());
             JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "event");
            g.writeStringField("timestamp", timestamp(event.timestamp()));
            g.writeFieldName("payload");
            g.writeStartObject();
            writeEventFields(g, event);
            g.writeEndObject();
            g.writeEndObject();
            g.flush();
            return new EncodedFrame(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode event " + event.seq(), e);
        }
    }

    /**
     * Writes an event as {@code GET /api/events} lists it: the frame's payload plus {@code timestamp}.
     *
     * @param g the generator, positioned where a value may be written
     * @param event the event
     * @throws IOException when the generator fails
     */
    public static void writeEventObject(JsonGenerator g, Event event) throws IOException {
        g.writeStartObject();
        writeEventFields(g, event);
        g.writeStringField("timestamp", timestamp(event.timestamp()));
        g.writeEndObject();
    }

    private static void writeEventFields(JsonGenerator g, Event event) throws IOException {
        g.writeNumberField("seq", event.seq());
        g.writeStringField("topic", event.topic().value());
        g.writeStringField("eventType", event.eventType());
        g.writeFieldName("data");
        event.eventData().writeTo(g);
    }
}
