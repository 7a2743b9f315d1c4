package io.eventgateway.bench.jmh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.event.Event;
import io.eventgateway.event.EventCodec;
import io.eventgateway.event.EventSelector;
import io.eventgateway.hub.ConnectionStream;
import io.eventgateway.hub.Hub;
import io.eventgateway.hub.SubscribeCommand;
import io.eventgateway.log.EventLog;
import io.eventgateway.topic.Topic;
import io.eventgateway.topic.TopicPattern;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.scheduler.Schedulers;

/**
 * One event through the hub to 1, 100 and 1,000 connections subscribed to its topic (centrifuge's
 * {@code _1Sub/_100Subs/_1000Subs}): {@link Hub#onCommit} with the dispatcher running inline, the
 * {@code PatternIndex} lookup, the pattern's sink, and each connection's stream drained to a subscriber that
 * discards, with unbounded demand and no event loop. No socket: this is the hub's share of a delivery. Divide by
 * the subscribers for the cost per delivery.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HubFanoutBenchmark {

    @Param({"1", "100", "1000"})
    int subscribers;

    private EventLog log;
    private Hub hub;
    private final Topic topic = Topic.parse("bench:fanout");
    private final Instant timestamp = Instant.parse("2026-01-08T12:34:56.789Z");
    private ObjectNode data;
    private long seq;
    private final Discard discard = new Discard();

    /** A hub with an inline dispatcher and the subscribed connections. */
    @Setup
    public void prepare() {
        log = EventLog.inMemory(Clock.systemUTC(), 1_000_000, Duration.ofDays(7), Duration.ofMinutes(5));
        hub = Hub.create(log, 1000, 50, Schedulers.immediate());
        SubscribeCommand command = new SubscribeCommand(null, List.of(TopicPattern.parse("bench:fanout")),
            List.of("bench:fanout"), EventSelector.ALL, null);
        for (int i = 0; i < subscribers; i++) {
            ConnectionStream stream = hub.open("c-" + i);
            stream.subscribe(discard);
            hub.subscribe(stream, command).block(Duration.ofSeconds(10));
        }
        data = EventCodec.JSON.createObjectNode();
        data.put("pad", "x".repeat(200));
    }

    /** Releases the log. */
    @TearDown
    public void close() {
        log.disposeLater().block(Duration.ofSeconds(10));
    }

    /** Dispatches one event to every subscriber. */
    @Benchmark
    public long dispatchOne() {
        Event event = new Event(++seq, topic, "bench.tick", timestamp, data);
        hub.onCommit(List.of(event));
        return discard.received;
    }

    /** Asks for everything and discards it, as an always-writable socket would. */
    static final class Discard implements CoreSubscriber<Object> {
        long received;

        @Override
        public void onSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Object item) {
            received++;
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onComplete() {
        }
    }
}
