package io.eventgateway.bench;

import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The open-loop publisher: one thread publishes on a fixed schedule whatever the deliveries do (wrk2's
 * constant-throughput model), round-robin over the topics, over {@code connections} WebSocket connections (a
 * topic always on the same one, so its events are published in order). Each event carries the time the schedule
 * <em>intended</em> to send it, so a stall anywhere, the publisher's own included, shows as latency instead of
 * silently slowing the load (coordinated omission), and its sequence number within its topic, so a subscriber
 * can tell a lost event from a late one.
 *
 * <p>When the thread wakes late it sends every event that is due at once, each with its own intended time. How
 * late it sends ({@link #takeLag()}) is the generator's own share of the latency.
 */
final class Publisher implements AutoCloseable {

    /** The share of {@code --rate} a ramp starts at. */
    static final double RAMP_START_SHARE = 0.1;

    private final Generator generator;
    private final String[] topics;
    private final String pad;
    private final List<Channel> channels = new ArrayList<>();
    private final long[] nextN;
    private final Latency lag = new Latency();
    private final LongAdder acked = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private volatile @Nullable String lastRejection;
    private volatile long sent;
    private volatile long periodNanos;
    /** The ramp of {@link #start(double, Duration)}: its start on the schedule and its length (0: none, or ended). */
    private volatile long rampFromNanos;
    private volatile long rampNanos;
    private volatile boolean running;
    private boolean closed;
    private @Nullable Thread thread;

    /**
     * Creates the publisher and opens its connections.
     *
     * @param generator the load generator
     * @param topics the topics, published round-robin; an event's {@code k} is its topic's index here
     * @param connections how many WebSocket connections publish
     */
    Publisher(Generator generator, String[] topics, int connections) {
        this.generator = generator;
        this.topics = topics.clone();
        this.nextN = new long[topics.length];
        this.pad = "x".repeat(Math.max(0, generator.options.payloadBytes
            - generator.protocol.eventOverhead(topics[0])));
        CountDownLatch open = new CountDownLatch(connections);
        for (int i = 0; i < Math.max(1, connections); i++) {
            channels.add(new Channel(open));
        }
        try {
            if (!open.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the publisher's connections did not open within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The size of a delivered gateway event frame with an empty pad: the pad makes up the rest of
     * {@code --payload-bytes} ({@link GatewayProtocol#eventOverhead}).
     */
    static int frameOverhead(String topic) {
        return ("{\"type\":\"event\",\"timestamp\":\"2026-01-08T12:34:56.000Z\",\"payload\":{\"seq\":1234567,"
            + "\"topic\":\"" + topic + "\",\"eventType\":\"bench.tick\",\"data\":{\"t\":1234567890123456,"
            + "\"n\":123456,\"k\":0,\"pad\":\"\"}}}").length();
    }

    /**
     * Starts publishing, the rate rising linearly from a tenth of {@code eventsPerSecond} to all of it over
     * {@code ramp}. Why: a cold server at the full rate from its first second can build a backlog of seconds while
     * its JIT compiles (measured: many-topics delivered 12,000-16,000 of 50,000/s for 14 s), and a measured window
     * after it then shows the backlog draining, not the rate. The schedule stays open-loop during the ramp.
     *
     * @param eventsPerSecond the full rate, over all topics
     * @param ramp how long the rise takes; zero for the full rate at once
     */
    void start(double eventsPerSecond, Duration ramp) {
        setRate(eventsPerSecond);
        long first = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        rampFromNanos = first;
        rampNanos = ramp.toNanos();
        running = true;
        Thread t = new Thread(() -> run(first), "bench-publisher");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Changes the rate from the next event on (and ends a ramp). */
    void setRate(double eventsPerSecond) {
        if (eventsPerSecond <= 0) {
            throw new IllegalArgumentException("--rate must be > 0, got " + eventsPerSecond);
        }
        rampNanos = 0;
        periodNanos = Math.max(1, Math.round(1e9 / eventsPerSecond));
    }

    /**
     * The gap to the next event after one intended at {@code intended}: the set period, or during a ramp that
     * period stretched by the share of the rate reached so far (a tenth at its start, all at its end).
     */
    static long gapAfter(long intended, long periodNanos, long rampFromNanos, long rampNanos) {
        long into = intended - rampFromNanos;
        if (rampNanos <= 0 || into >= rampNanos) {
            return periodNanos;
        }
        double share = RAMP_START_SHARE + (1 - RAMP_START_SHARE) * into / (double) rampNanos;
        return Math.max(periodNanos, Math.round(periodNanos / share));
    }

    /**
     * The mean rate asked over a warm-up of {@code warmupSeconds} whose first {@code rampSeconds} rise linearly from
     * {@link #RAMP_START_SHARE} of {@code rate} to all of it: what the publisher should reach in that window (the
     * full rate would count every ramped warm-up as the publisher falling short).
     */
    static double meanRate(double rate, int warmupSeconds, int rampSeconds) {
        if (warmupSeconds <= 0 || rampSeconds <= 0) {
            return rate;
        }
        int ramp = Math.min(rampSeconds, warmupSeconds);
        // The ramped seconds publish at the mean of their start and end rates, the rest at the full rate.
        return rate * (warmupSeconds - ramp + ramp * (1 + RAMP_START_SHARE) / 2) / warmupSeconds;
    }

    private void run(long first) {
        long intended = first;
        long i = 0;
        while (running) {
            long now = System.nanoTime();
            if (intended > now) {
                LockSupport.parkNanos(intended - now);
                continue;
            }
            int k = (int) (i++ % topics.length);
            long n = nextN[k]++;
            String data = "{\"t\":" + intended + ",\"n\":" + n + ",\"k\":" + k + ",\"pad\":\"" + pad + "\"}";
            channels.get(k % channels.size()).send(generator.protocol.publish(topics[k], data));
            lag.record(now - intended);
            sent = sent + 1;
            intended += gapAfter(intended, periodNanos, rampFromNanos, rampNanos);
        }
    }

    /** Stops publishing; every event counted by {@link #publishedPerTopic()} has been handed to a connection. */
    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits until the server acknowledged every publish (when the protocol acknowledges them).
     *
     * @param timeout the longest wait
     * @return true when all were answered, published or rejected
     */
    boolean awaitAnswers(Duration timeout) {
        if (!generator.protocol.acknowledgesPublishes()) {
            return true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acked.sum() + rejected.sum() < sent) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }

    /** Publishes not yet answered (0 when the protocol does not answer them). */
    long unanswered() {
        if (!generator.protocol.acknowledgesPublishes()) {
            return 0;
        }
        long answered = acked.sum() + rejected.sum();
        return Math.max(0, sent - answered);
    }

    /** Events handed to a connection so far. */
    long sent() {
        return sent;
    }

    long acked() {
        return acked.sum();
    }

    /** Publishes the server refused (an {@code error} answer): the run is not valid when this is not 0. */
    long rejected() {
        return rejected.sum();
    }

    @Nullable String lastRejection() {
        return lastRejection;
    }

    /** Per topic index, how many events were published; read after {@link #stop()}. */
    long[] publishedPerTopic() {
        return nextN.clone();
    }

    /** How late the publisher sent, against its schedule, since the previous call (nanoseconds). */
    Histogram takeLag() {
        return lag.take();
    }

    @Override
    public void close() {
        stop();
        if (!closed) {
            closed = true;
            channels.forEach(Channel::close);
        }
    }

    /** One publishing connection. */
    private final class Channel implements Inbound {
        private final Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();
        private final Protocol.Decoder decoder = generator.protocol.decoder();
        private final Disposable.Swap connection = Disposables.swap();

        Channel(CountDownLatch open) {
            // Started on the next generator loop like every subscriber (LoopSpread), so --publishers N share the
            // loops instead of all landing on the one the loop group's chooser picks.
            InetSocketAddress source = generator.sources.next();
            generator.startOnNextLoop(() -> connection.update(generator.client(false, source)
                .websocket(Generator.WEBSOCKET_SPEC)
                .uri(generator.protocol.path())
                .handle((in, out) -> {
                    for (String frame : generator.protocol.greeting()) {
                        send(frame);
                    }
                    open.countDown();
                    return Mono.when(out.sendObject(outbound.asFlux()).then(),
                        in.receiveFrames().doOnNext(f -> {
                            if (Generator.carriesData(f)) {
                                decoder.decode(f.content(), this);
                            }
                        }).then());
                })
                .subscribe(null, error -> lastRejection = "publisher connection failed: " + error)));
        }

        void send(String text) {
            // The publisher thread and, for heartbeat answers, the event loop both emit: serialize them.
            synchronized (outbound) {
                outbound.tryEmitNext(new TextWebSocketFrame(text));
            }
        }

        void close() {
            connection.dispose();
        }

        @Override
        public void subscribed(long headSeq) {
        }

        @Override
        public void event(long seq, long topicIndex, long n, long intendedNanos) {
        }

        @Override
        public void overflow(long dropped, long firstSeq, long lastSeq) {
        }

        @Override
        public void published(long seq) {
            acked.increment();
        }

        @Override
        public void error(String frame) {
            rejected.increment();
            lastRejection = frame;
        }

        @Override
        public void reply(String frame) {
            send(frame);
        }
    }
}
