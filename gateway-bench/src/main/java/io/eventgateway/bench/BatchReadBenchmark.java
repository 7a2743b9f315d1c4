package io.eventgateway.bench;

import io.eventgateway.event.Event;
import io.eventgateway.event.EventCodec;
import io.eventgateway.event.EventData;
import io.eventgateway.topic.Topic;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The load generator's reading of one {@code batch} frame ({@code --protocol gateway-batch}): {@link #benchEvents}
 * holds the bench's own events, encoded by the gateway's {@link EventCodec}, which the reader takes field after
 * field; {@link #otherEvents} the same events with another {@code eventType}, which it reads by the general walk
 * (the end of each message found bracket by bracket, then its keys searched). Time is per frame; divide by
 * {@code events} for one event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BatchReadBenchmark {

    /** Events per frame: about what the gateway packed at 1,000 subscribers and 200 to 300 events/s. */
    @Param({"5"})
    public int events;

    private final GatewayProtocol protocol = new GatewayProtocol(true);
    private ByteBuf bench;
    private ByteBuf other;

    /** Two frames as the gateway sends them, with the bench's data of about 300 B per event. */
    @Setup
    public void prepare() {
        bench = frame("bench.tick");
        other = frame("bench.other");
    }

    private ByteBuf frame(String eventType) {
        StringBuilder b = new StringBuilder("{\"type\":\"batch\",\"timestamp\":\"2026-11-23T23:12:15.201Z\","
            + "\"payload\":{\"messages\":[");
        for (int i = 0; i < events; i++) {
            String data = "{\"t\":" + (69_123_456_789_012L + i) + ",\"n\":" + (123_456 + i) + ",\"k\":0,\"pad\":\""
                + "x".repeat(150) + "\"}";
            Event event = new Event(1_234_567 + i, Topic.parse("bench:fanout"), eventType,
                Instant.parse("2026-11-23T23:12:15.201Z"), EventData.ofJson(data));
            byte[] message = EventCodec.encodeEventFrame(event).bytes();
            b.append(i == 0 ? "" : ",").append(new String(message, StandardCharsets.UTF_8));
        }
        byte[] bytes = b.append("]}}").toString().getBytes(StandardCharsets.UTF_8);
        return Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    }

    @TearDown
    public void release() {
        bench.release();
        other.release();
    }

    /** The bench's events, read field after field. */
    @Benchmark
    public void benchEvents(Blackhole out) {
        protocol.decode(bench, new Sink(out));
    }

    /** Other events, read by the general walk. */
    @Benchmark
    public void otherEvents(Blackhole out) {
        protocol.decode(other, new Sink(out));
    }

    /** Hands what the reader found to the blackhole; an error would mean the frame was not read. */
    private record Sink(Blackhole out) implements Inbound {

        @Override
        public void subscribed(long headSeq) {
            out.consume(headSeq);
        }

        @Override
        public void event(long seq, long topicIndex, long n, long intendedNanos) {
            out.consume(seq + topicIndex + n + intendedNanos);
        }

        @Override
        public void overflow(long dropped, long firstSeq, long lastSeq) {
            out.consume(dropped);
        }

        @Override
        public void published(long seq) {
            out.consume(seq);
        }

        @Override
        public void error(String frame) {
            throw new IllegalStateException(frame);
        }

        @Override
        public void reply(String frame) {
            out.consume(frame);
        }
    }
}
