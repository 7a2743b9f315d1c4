package io.eventgateway.server.rest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.eventgateway.event.Event;
import io.eventgateway.event.EventCodec;
import io.eventgateway.event.EventData;
import io.eventgateway.event.NewEvent;
import io.eventgateway.event.NewEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The gateway's own work for one {@code POST /api/events} body of 100 events of about 300 B (as {@code scripts/bench
 * publish} sends them), up to the store: read and validate the body, the text of each event's {@code data} for its
 * row, and each event's frame. {@link #streamed} is the path since the body is read by a streaming parser and
 * {@code data} stays the body's text ({@link EventsResource#read}); {@link #tree} is the path before it, kept here
 * as the baseline: the body read into a tree, each event read from its element, its {@code data} serialized for
 * the row and serialized again into the frame. Time is per body; divide by 100 for an event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PublishBodyBenchmark {

    private static final ObjectReader TREE_READER =
        EventCodec.JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Instant NOW = Instant.parse("2026-01-08T12:34:56.789Z");

    private byte[] body;

    /** The body the bench's publish scenario sends: 100 events, data {@code {"i": n, "pad": "x..."}}. */
    @Setup
    public void prepare() {
        String pad = "x".repeat(180);
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            b.append(i == 0 ? "" : ",").append("{\"topic\":\"bench:p").append(i % 16)
                .append("\",\"eventType\":\"bench.append\",\"data\":{\"i\":").append(1_000_000 + i)
                .append(",\"pad\":\"").append(pad).append("\"}}");
        }
        body = b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Streaming read, data kept as text: the row's text is the body's, the frame writes it as it is. */
    @Benchmark
    public void streamed(Blackhole out) {
        long seq = 1;
        for (NewEvent e : EventsResource.read(body).events()) {
            String row = e.eventData().json();
            out.consume(row);
            out.consume(EventCodec.encodeEventFrame(new Event(seq++, e.topic(), e.eventType(), NOW,
                EventData.ofJson(row))));
        }
    }

    /** The path before: a tree of the body, data serialized for the row and again for the frame. */
    @Benchmark
    public void tree(Blackhole out) throws IOException {
        JsonNode root = TREE_READER.readTree(body);
        long seq = 1;
        for (int i = 0; i < root.size(); i++) {
            NewEvent e = NewEvents.fromJson(root.get(i), "event [" + i + "]");
            out.consume(EventCodec.JSON.writeValueAsString(e.data()));
            out.consume(EventCodec.encodeEventFrame(new Event(seq++, e.topic(), e.eventType(), NOW, e.data())));
        }
    }
}
