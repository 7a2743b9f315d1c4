package io.eventgateway.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * A reconnect storm: {@code --events} events are published first, then {@code --subscribers} clients connect at
 * once and each subscribes to {@code *} with {@code since} = head - {@code --events}; reported is the time from
 * the first connect until every client has received all its replayed events (it is then live), with the
 * per-client times as percentiles.
 */
final class ReplayScenario {

    private final BenchOptions options;

    ReplayScenario(BenchOptions options) {
        this.options = options;
    }

    String run() throws InterruptedException {
        LoopResources loops = LoopResources.create("bench-replay", options.clientThreads, true);
        List<Disposable> connections = new ArrayList<>();
        try {
            long head = prefill(loops);
            long since = Math.max(0, head - options.events);
            long expected = head - since;
            CountDownLatch live = new CountDownLatch(options.subscribers);
            long[] doneAt = new long[options.subscribers];
            AtomicLong received = new AtomicLong();
            String subscribe = "{\"type\":\"subscribe\",\"id\":\"r\",\"payload\":{\"topics\":[\"*\"],\"since\":"
                + since + "}}";
            long start = System.nanoTime();
            for (int i = 0; i < options.subscribers; i++) {
                int client = i;
                long[] count = new long[1];
                String source = "127.0.0." + (1 + i / options.connectionsPerSourceAddress);
                connections.add(HttpClient.create(ConnectionProvider.newConnection()).runOn(loops)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .bindAddress(() -> new InetSocketAddress(source, 0))
                    .host(options.host).port(options.port)
                    .websocket().uri("/ws")
                    .handle((in, out) -> out.sendObject(Mono.just(new TextWebSocketFrame(subscribe)))
                        .then(in.receiveFrames().doOnNext(frame -> {
                            ByteBuf content = frame.content();
                            if (Subscriber.typeLetter(content) != 'e') {
                                return;
                            }
                            received.incrementAndGet();
                            if (++count[0] == expected) {
                                doneAt[client] = System.nanoTime() - start;
                                live.countDown();
                            }
                        }).then()))
                    .subscribe(null, e -> live.countDown()));
            }
            boolean all = live.await(300, TimeUnit.SECONDS);
            long total = System.nanoTime() - start;
            long[] sorted = doneAt.clone();
            Arrays.sort(sorted);
            return String.format(Locale.ROOT, "replay storm: %d clients x %d events since=%d: all live after %.2f s"
                    + " (%s); per client p50 %.2f s, p99 %.2f s; %,d events replayed, %,.0f events/s%n",
                options.subscribers, expected, since, total / 1e9, all ? "complete" : "TIMED OUT",
                sorted[sorted.length / 2] / 1e9, sorted[(int) (sorted.length * 0.99)] / 1e9, received.get(),
                received.get() / (total / 1e9));
        } finally {
            connections.forEach(Disposable::dispose);
            loops.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    /** Publishes the events to replay, in batches of 100 over REST; answers the last seq. */
    private long prefill(LoopResources loops) {
        HttpClient client = HttpClient.create(ConnectionProvider.create("bench-prefill", 4)).runOn(loops)
            .host(options.host).port(options.port).headers(h -> h.set("Content-Type", "application/json"));
        String pad = "x".repeat(Math.max(0, options.payloadBytes - 120));
        AtomicLong last = new AtomicLong();
        Flux.range(0, (options.events + 99) / 100)
            .concatMap(batch -> {
                StringBuilder body = new StringBuilder("[");
                for (int k = 0; k < 100; k++) {
                    body.append(k == 0 ? "" : ",").append("{\"topic\":\"bench:r").append(k % 10)
                        .append("\",\"eventType\":\"bench.replay\",\"data\":{\"k\":").append(k)
                        .append(",\"pad\":\"").append(pad).append("\"}}");
                }
                body.append(']');
                return client.post().uri("/api/events").send(ByteBufFlux.fromString(Mono.just(body.toString())))
                    .responseSingle((r, content) -> content.asString());
            })
            .doOnNext(answer -> last.set(Subscriber.lastNumberAfter(answer)))
            .blockLast(Duration.ofSeconds(120));
        return last.get();
    }
}
