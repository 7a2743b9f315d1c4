package io.eventgateway.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * 1 topic x N subscribers, an open-loop publisher at a fixed rate: each event carries its intended publish time
 * ({@code data.t}, {@code System.nanoTime()} of the schedule, not of the send), so a stall anywhere shows up as
 * latency instead of silently slowing the publisher (coordinated omission).
 */
final class FanoutScenario {

    private static final byte[] SUBSCRIBED = "\"type\":\"subscribed\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PING = "\"type\":\"ping\"".getBytes(StandardCharsets.US_ASCII);
    private static final String PONG = "{\"type\":\"pong\"}";
    private static final byte[] HEAD_SEQ = "\"headSeq\":".getBytes(StandardCharsets.US_ASCII);

    private final BenchOptions options;

    FanoutScenario(BenchOptions options) {
        this.options = options;
    }

    Report run() throws InterruptedException {
        LoopResources loops = LoopResources.create("bench-client", options.clientThreads, true);
        Latency latency = new Latency();
        List<Subscriber> subscribers = new ArrayList<>(options.subscribers);
        List<Disposable> connections = new ArrayList<>(options.subscribers);
        CountDownLatch ready = new CountDownLatch(options.subscribers);
        String subscribe = "{\"type\":\"subscribe\",\"id\":\"b\",\"payload\":{\"topics\":[\"" + options.topic + "\"]}}";
        try {
            for (int i = 0; i < options.subscribers; i++) {
                Subscriber subscriber = new Subscriber(latency);
                subscribers.add(subscriber);
                String source = "127.0.0." + (1 + i / options.connectionsPerSourceAddress);
                connections.add(client(loops, source)
                    .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(1 << 20).build())
                    .uri("/ws")
                    .handle((in, out) -> out.sendObject(Mono.just(new TextWebSocketFrame(subscribe)))
                        .then(in.receiveFrames().doOnNext(frame -> {
                            if (onFrame(subscriber, frame, ready)) {
                                out.sendObject(Mono.just(new TextWebSocketFrame(PONG))).then().subscribe();
                            }
                        }).then()))
                    .subscribe(null, e -> ready.countDown()));
            }
            if (!ready.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + (options.subscribers - ready.getCount()) + " of "
                    + options.subscribers + " subscribers were subscribed after 120 s");
            }
            long live = subscribers.stream().filter(s -> s.subscribed).count();
            return publishAndMeasure(loops, latency, subscribers, live);
        } finally {
            connections.forEach(Disposable::dispose);
            loops.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    /** Handles a frame; answers true when it was the server's heartbeat ping, which must be answered. */
    private boolean onFrame(Subscriber subscriber, WebSocketFrame frame, CountDownLatch ready) {
        if (!(frame instanceof TextWebSocketFrame)) {
            return false;
        }
        ByteBuf content = frame.content();
        if (!subscriber.subscribed) {
            if (Subscriber.contains(content, SUBSCRIBED)) {
                long head = Subscriber.number(content, HEAD_SEQ);
                subscriber.startAt(head + 1);
                ready.countDown();
            }
            return false;
        }
        if (Subscriber.typeLetter(content) == 'p') {
            return Subscriber.contains(content, PING);
        }
        subscriber.onFrame(content, System.nanoTime());
        return false;
    }

    private HttpClient client(LoopResources loops, String sourceAddress) {
        return HttpClient.create(ConnectionProvider.newConnection())
            .runOn(loops)
            .option(ChannelOption.TCP_NODELAY, true)
            .host(options.host)
            .port(options.port)
            .bindAddress(() -> new InetSocketAddress(sourceAddress, 0));
    }

    private Report publishAndMeasure(LoopResources loops, Latency latency, List<Subscriber> subscribers, long live)
        throws InterruptedException {
        Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();
        CountDownLatch publisherReady = new CountDownLatch(1);
        Disposable publisher = client(loops, "127.0.0.1")
            .websocket()
            .uri("/ws")
            .handle((in, out) -> {
                publisherReady.countDown();
                return Mono.when(out.sendObject(outbound.asFlux()), in.receive().then());
            })
            .subscribe();
        publisherReady.await(30, TimeUnit.SECONDS);
        String pad = "x".repeat(Math.max(0, options.payloadBytes - 200));
        long periodNanos = 1_000_000_000L / options.rate;
        long total = (long) options.rate * (options.warmupSeconds + options.seconds);
        long start = System.nanoTime() + 100_000_000L;
        long nextReport = start + 1_000_000_000L;
        long warmupEnd = start + options.warmupSeconds * 1_000_000_000L;
        long lastReceived = 0;
        long steadyStartReceived = -1;
        long steadyStartNanos = 0;
        double gatewayCpuStart = 0;
        double selfCpuStart = 0;
        long selfPid = ProcessHandle.current().pid();
        List<String> progress = new ArrayList<>();
        for (long i = 0; i < total; i++) {
            long intended = start + i * periodNanos;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            outbound.tryEmitNext(new TextWebSocketFrame("{\"type\":\"publish\",\"payload\":{\"topic\":\""
                + options.topic + "\",\"eventType\":\"bench.tick\",\"data\":{\"t\":" + intended + ",\"n\":" + i
                + ",\"pad\":\"" + pad + "\"}}}"));
            long now = System.nanoTime();
            if (now >= nextReport) {
                boolean steady = now > warmupEnd;
                if (steady && steadyStartReceived < 0) {
                    latency.takeInterval(false);
                    steadyStartReceived = sum(subscribers);
                    steadyStartNanos = now;
                    gatewayCpuStart = options.gatewayPid > 0 ? ProcCpu.seconds(options.gatewayPid) : -1;
                    selfCpuStart = ProcCpu.seconds(selfPid);
                    lastReceived = steadyStartReceived;
                    nextReport += 1_000_000_000L;
                    continue;
                }
                Histogram h = latency.takeInterval(steady);
                long received = sum(subscribers);
                String line = String.format(Locale.ROOT, "%s deliveries/s=%,d p50=%.2fms p99=%.2fms max=%.2fms",
                    steady ? "steady" : "warmup", received - lastReceived, ms(h.getValueAtPercentile(50)),
                    ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()));
                System.err.println(line);
                progress.add(line);
                lastReceived = received;
                nextReport += 1_000_000_000L;
            }
        }
        long publishEnd = System.nanoTime();
        long received = sum(subscribers) - Math.max(0, steadyStartReceived);
        double seconds = (publishEnd - steadyStartNanos) / 1e9;
        // Let the last events arrive before the counts are checked.
        Thread.sleep(1000);
        latency.takeInterval(true);
        long end = System.nanoTime();
        Histogram steadyHist = latency.steadyState();
        publisher.dispose();
        Report report = new Report();
        report.scenario = "fanout";
        report.subscribers = options.subscribers;
        report.liveSubscribers = live;
        report.rate = options.rate;
        report.seconds = options.seconds;
        report.deliveriesPerSecond = received / Math.max(0.001, seconds);
        report.p50Ms = ms(steadyHist.getValueAtPercentile(50));
        report.p99Ms = ms(steadyHist.getValueAtPercentile(99));
        report.p999Ms = ms(steadyHist.getValueAtPercentile(99.9));
        report.maxMs = ms(steadyHist.getMaxValue());
        for (Subscriber s : subscribers) {
            report.duplicates += s.duplicates;
            report.orderViolations += s.orderViolations;
            report.announcedDrops += s.announcedDrops;
            report.unannounced += s.unannounced;
        }
        double wall = (end - steadyStartNanos) / 1e9;
        if (options.gatewayPid > 0) {
            report.gatewayCpu = (ProcCpu.seconds(options.gatewayPid) - gatewayCpuStart) / wall;
            report.gatewayRssMb = ProcCpu.rssKb(options.gatewayPid) / 1024.0;
        }
        report.loadGeneratorCpu = (ProcCpu.seconds(selfPid) - selfCpuStart) / wall;
        report.progress = progress;
        return report;
    }

    private static long sum(List<Subscriber> subscribers) {
        long total = 0;
        for (Subscriber s : subscribers) {
            total += s.received;
        }
        return total;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
