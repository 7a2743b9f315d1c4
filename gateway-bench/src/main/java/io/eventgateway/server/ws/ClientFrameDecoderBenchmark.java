package io.eventgateway.server.ws;

import io.eventgateway.event.Event;
import io.eventgateway.event.EventCodec;
import io.eventgateway.event.NewEvent;
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

/**
 * The gateway's own work for one WebSocket {@code publish} message of about 300 B (as {@code scripts/bench
 * many-topics} sends them), up to the store: read and validate the message, and the event's frame.
 * {@link #streamed} is the path since a valid {@code publish} is read in one pass and {@code data} stays the
 * message's text ({@link ClientFrameDecoder#decode}); {@link #tree} is the path before it, kept here as the
 * baseline ({@link ClientFrameDecoder#decodeTree}, the reader of every other message): the message read into a
 * tree, {@code data} serialized into the frame. Run with {@code -prof gc} for the bytes per message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClientFrameDecoderBenchmark {

    private static final Instant NOW = Instant.parse("2026-01-08T12:34:56.789Z");

    private byte[] message;

    /** The message the bench's publisher sends: data {@code {"t":..,"n":..,"k":..,"pad":"x..."}}. */
    @Setup
    public void prepare() {
        message = ("{\"type\":\"publish\",\"payload\":{\"topic\":\"bench:t417\",\"eventType\":\"bench.tick\","
            + "\"data\":{\"t\":1795529696789123,\"n\":123456,\"k\":0,\"pad\":\"" + "x".repeat(160) + "\"}}}")
            .getBytes(StandardCharsets.UTF_8);
    }

    /** One pass, data kept as the message's text and written into the frame as it is. */
    @Benchmark
    public byte[] streamed() {
        return frame(ClientFrameDecoder.decode(message));
    }

    /** The path before: the message as a tree, data serialized into the frame. */
    @Benchmark
    public byte[] tree() {
        return frame(ClientFrameDecoder.decodeTree(message));
    }

    private static byte[] frame(ClientFrameDecoder.Decoded decoded) {
        NewEvent e = ((ClientMessage.Publish) decoded.message()).event();
        return EventCodec.encodeEventFrame(new Event(1, e.topic(), e.eventType(), NOW, e.eventData())).bytes();
    }
}
