package io.eventgateway.bench.jmh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.event.EncodedFrame;
import io.eventgateway.event.Event;
import io.eventgateway.event.EventCodec;
import io.eventgateway.topic.Topic;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Event encoding, per event and per connection. {@link #encodeOnce} is the {@code event} frame built once per event
 * ({@link EventCodec#encodeEventFrame}, about 300 B, as the fan-out scenarios publish); {@link #perConnectionFrame}
 * is what the server does per connection with those shared bytes (wrap them in a {@link TextWebSocketFrame}
 * without a copy, as {@code ServerFrames.toFrame} does); {@link #perConnectionWire} adds Netty's WebSocket frame
 * encoder, which copies a payload of at most 1,024 B together with its header into a pooled buffer
 * (research/performance.md section 3 item 3): the per-connection path until the server wrote frames itself.
 * {@link #perConnectionSharedFrame} is the server's per-connection work now: a retained duplicate of the complete
 * frame (header and payload in one direct buffer) that its event loop built once ({@code WireFrames}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventCodecBenchmark {

    private Event event;
    private EncodedFrame frame;
    private EmbeddedChannel wire;
    private ByteBuf shared;

    /** A bench event of about 300 B and an encoder channel. */
    @Setup
    public void prepare() {
        ObjectNode data = EventCodec.JSON.createObjectNode();
        data.put("t", 1_234_567_890_123_456L);
        data.put("n", 123_456);
        data.put("k", 0);
        data.put("pad", "x".repeat(120));
        event = new Event(1_234_567, Topic.parse("bench:fanout"), "bench.tick", Instant.parse(
            "2026-01-08T12:34:56.789Z"), data);
        frame = EventCodec.encodeEventFrame(event);
        wire = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        wire.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.bytes())));
        ByteBuf encoded = wire.readOutbound();
        shared = PooledByteBufAllocator.DEFAULT.directBuffer(encoded.readableBytes());
        shared.writeBytes(encoded);
        encoded.release();
    }

    /** Closes the encoder channel. */
    @TearDown
    public void close() {
        wire.finishAndReleaseAll();
        shared.release();
    }

    /** Encodes the complete event frame (JSON, once per event). */
    @Benchmark
    public EncodedFrame encodeOnce() {
        return EventCodec.encodeEventFrame(event);
    }

    /** Wraps the shared bytes in a text frame (per connection). */
    @Benchmark
    public int perConnectionFrame() {
        TextWebSocketFrame f = new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.bytes()));
        int size = f.content().readableBytes();
        f.release();
        return size;
    }

    /** Wraps and encodes to the wire format, as the socket would write it (per connection). */
    @Benchmark
    public int perConnectionWire() {
        wire.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.bytes())));
        ByteBuf out = wire.readOutbound();
        int size = out.readableBytes();
        out.release();
        return size;
    }

    /** Takes a reference to the loop's shared complete frame, as the socket would write it (per connection). */
    @Benchmark
    public int perConnectionSharedFrame() {
        ByteBuf out = shared.retainedDuplicate();
        int size = out.readableBytes();
        out.release();
        return size;
    }
}
