package io.eventgateway.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.event.Event;
import io.eventgateway.event.EventCodec;
import io.eventgateway.topic.Topic;
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
import org.openjdk.jmh.annotations.Warmup;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * One connection's pipeline per event: {@link ConnectionStream#offerLive} (the duplicate-seq check, the
 * per-connection monitor, the bounded queue) and its drain to the outbound, here a subscriber that discards.
 *
 * <p>This class lives in gateway-core's package {@code io.eventgateway.hub}, compiled into the bench jar (a split
 * package on the class path, no module system involved): the stream's constructor, {@code offerLive} and the
 * {@link LoopBatcher} are package-private on purpose (only the hub may feed a stream), and a benchmark of them
 * must not widen that API.
 *
 * <ul>
 *   <li>{@code direct}: drained on the offering thread, unbounded demand (the cheapest path);</li>
 *   <li>{@code prefetch}: the outbound asks for 128 and refills 64 at a time, as Reactor Netty's
 *       {@code MonoSendMany} does;</li>
 *   <li>{@code batched}: through a {@link LoopBatcher} whose "event loop" runs the batch at once (the dirty flag,
 *       the batch queue, one task per batch);</li>
 *   <li>{@code stalled}: the outbound asks for nothing, so every offer drops the oldest event into the overflow
 *       gap (a slow consumer's cost to the dispatcher).</li>
 * </ul>
 * {@link #newEventOnly} is the allocation of the event itself, included in the others.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConnectionStreamBenchmark {

    @Param({"direct", "prefetch", "batched", "stalled"})
    String mode;

    private final Topic topic = Topic.parse("bench:fanout");
    private final Instant timestamp = Instant.parse("2026-01-08T12:34:56.789Z");
    private ObjectNode data;
    private ConnectionStream stream;
    private Outbound outbound;
    private long seq;

    /** A stream subscribed by the outbound the mode describes. */
    @Setup
    public void prepare() {
        data = EventCodec.JSON.createObjectNode();
        data.put("pad", "x".repeat(200));
        LoopBatcher batcher = "batched".equals(mode) ? new LoopBatcher(Runnable::run, 0) : null;
        stream = new ConnectionStream("c-1", 1000, () -> { }, batcher);
        long initial = "stalled".equals(mode) ? 0 : "prefetch".equals(mode) ? 128 : Long.MAX_VALUE;
        outbound = new Outbound(initial, "prefetch".equals(mode));
        stream.subscribe(outbound);
    }

    /** Offers one event and lets the stream deliver it. */
    @Benchmark
    public long offerAndDrain() {
        stream.offerLive(new Event(++seq, topic, "bench.tick", timestamp, data));
        return outbound.received;
    }

    /** Only allocates the event: the share of {@link #offerAndDrain} that is not the pipeline. */
    @Benchmark
    public Event newEventOnly() {
        return new Event(++seq, topic, "bench.tick", timestamp, data);
    }

    /** Discards what it receives, asking for more the way the mode says. */
    static final class Outbound implements CoreSubscriber<Object> {
        private final long initial;
        private final boolean refill;
        private Subscription subscription;
        private int sinceRefill;
        long received;

        Outbound(long initial, boolean refill) {
            this.initial = initial;
            this.refill = refill;
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            if (initial > 0) {
                s.request(initial);
            }
        }

        @Override
        public void onNext(Object item) {
            received++;
            if (refill && ++sinceRefill == 64) {
                sinceRefill = 0;
                subscription.request(64);
            }
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onComplete() {
        }
    }
}
