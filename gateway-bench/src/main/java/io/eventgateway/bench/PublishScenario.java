package io.eventgateway.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Durable append throughput: REST batches ({@code --batch} events per POST, {@code --concurrency} requests in
 * flight) and single-event WebSocket publishes ({@code --publishers} connections, {@code --window} unacknowledged
 * publishes each), and, in the same run, the physical limit of the store: plain sqlite-jdbc batch inserts of the
 * same rows into the same schema with the same {@code synchronous} setting.
 */
final class PublishScenario {

    private final BenchOptions options;

    PublishScenario(BenchOptions options) {
        this.options = options;
    }

    String run() throws Exception {
        String pad = "x".repeat(Math.max(0, options.payloadBytes - 120));
        StringBuilder out = new StringBuilder();
        double jdbc = jdbcBaseline(pad);
        out.append(String.format(Locale.ROOT, "baseline sqlite-jdbc batch insert (batch %d, WAL, synchronous=NORMAL):"
            + " %,.0f events/s%n", options.batch, jdbc));
        double rest = restBatches(pad);
        out.append(String.format(Locale.ROOT, "REST POST /api/events, arrays of %d, %d in flight: %,.0f events/s"
            + " (%.2f of the baseline)%n", options.batch, options.concurrency, rest, rest / jdbc));
        double ws = webSocketPublishers(pad);
        out.append(String.format(Locale.ROOT, "WebSocket publish, %d publishers x %d in flight, one event each:"
            + " %,.0f events/s (%.2f of the baseline)%n", options.publishers, options.window, ws, ws / jdbc));
        return out.toString();
    }

    private String event(String pad, long i) {
        return "{\"topic\":\"bench:p" + (i % 16) + "\",\"eventType\":\"bench.append\",\"data\":{\"i\":" + i
            + ",\"pad\":\"" + pad + "\"}}";
    }

    /** The same rows, the same schema and settings, inserted by one thread with JDBC batches: the store's limit. */
    private double jdbcBaseline(String pad) throws Exception {
        Path dir = Files.createTempDirectory("bench-jdbc");
        Path file = dir.resolve("baseline.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, topic TEXT NOT NULL, event_type TEXT NOT NULL,"
                    + " ts INTEGER NOT NULL, data TEXT NOT NULL, idempotency_key TEXT)");
                s.execute("CREATE INDEX events_topic_seq ON events (topic, seq)");
                s.execute("CREATE INDEX events_ts ON events (ts)");
                s.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
                s.execute("INSERT INTO meta VALUES ('head_seq', 0)");
            }
            c.setAutoCommit(false);
            long seq = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.seconds);
            long start = System.nanoTime();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)");
                 PreparedStatement head = c.prepareStatement("UPDATE meta SET value = ? WHERE key = 'head_seq'")) {
                while (System.nanoTime() < end) {
                    for (int i = 0; i < options.batch; i++) {
                        seq++;
                        insert.setLong(1, seq);
                        insert.setString(2, "bench:p" + (seq % 16));
                        insert.setString(3, "bench.append");
                        insert.setLong(4, System.currentTimeMillis());
                        insert.setString(5, "{\"i\":" + seq + ",\"pad\":\"" + pad + "\"}");
                        insert.setNull(6, Types.VARCHAR);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    head.setLong(1, seq);
                    head.executeUpdate();
                    c.commit();
                }
            }
            return seq / ((System.nanoTime() - start) / 1e9);
        } finally {
            Files.walk(dir).sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    private HttpClient client(LoopResources loops) {
        return HttpClient.create(ConnectionProvider.create("bench-publish", Math.max(options.concurrency, 1)))
            .runOn(loops)
            .option(ChannelOption.TCP_NODELAY, true)
            .host(options.host).port(options.port);
    }

    private double restBatches(String pad) {
        LoopResources loops = LoopResources.create("bench-rest", options.clientThreads, true);
        try {
            HttpClient client = client(loops).headers(h -> h.set("Content-Type", "application/json"));
            AtomicLong counter = new AtomicLong();
            long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.warmupSeconds);
            long end = warmupEnd + TimeUnit.SECONDS.toNanos(options.seconds);
            AtomicLong measured = new AtomicLong();
            Flux.range(0, Integer.MAX_VALUE)
                .takeWhile(i -> System.nanoTime() < end)
                .flatMap(i -> {
                    StringBuilder body = new StringBuilder("[");
                    for (int k = 0; k < options.batch; k++) {
                        body.append(k == 0 ? "" : ",").append(event(pad, counter.incrementAndGet()));
                    }
                    body.append(']');
                    return client.post().uri("/api/events").send(ByteBufFlux.fromString(Mono.just(body.toString())))
                        .responseSingle((response, content) -> content.then(Mono.just(response.status().code())))
                        .doOnNext(code -> {
                            if (code != 202) {
                                throw new IllegalStateException("POST /api/events answered " + code);
                            }
                            long now = System.nanoTime();
                            if (now > warmupEnd && now < end) {
                                measured.addAndGet(options.batch);
                            }
                        });
                }, options.concurrency)
                .blockLast(Duration.ofSeconds(options.seconds + options.warmupSeconds + 60L));
            return measured.get() / (double) options.seconds;
        } finally {
            loops.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    private double webSocketPublishers(String pad) throws InterruptedException {
        LoopResources loops = LoopResources.create("bench-ws", options.clientThreads, true);
        List<Disposable> connections = new ArrayList<>();
        AtomicLong acknowledged = new AtomicLong();
        long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.warmupSeconds + 2L);
        long end = warmupEnd + TimeUnit.SECONDS.toNanos(options.seconds);
        AtomicLong measured = new AtomicLong();
        CountDownLatch done = new CountDownLatch(options.publishers);
        byte[] publishedPrefix = "{\"type\":\"published\"".getBytes(StandardCharsets.US_ASCII);
        try {
            for (int p = 0; p < options.publishers; p++) {
                int publisher = p;
                Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();
                AtomicLong sent = new AtomicLong();
                Runnable sendOne = () -> outbound.tryEmitNext(new TextWebSocketFrame("{\"type\":\"publish\","
                    + "\"payload\":" + event(pad, publisher * 1_000_000_000L + sent.incrementAndGet()) + "}"));
                connections.add(HttpClient.create(ConnectionProvider.newConnection()).runOn(loops)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .host(options.host).port(options.port)
                    .websocket().uri("/ws")
                    .handle((in, out) -> {
                        for (int w = 0; w < options.window; w++) {
                            sendOne.run();
                        }
                        Mono<Void> receive = in.receiveFrames().doOnNext(frame -> {
                            ByteBuf content = frame.content();
                            if (Subscriber.indexOf(content, publishedPrefix) != content.readerIndex()) {
                                return;
                            }
                            acknowledged.incrementAndGet();
                            long now = System.nanoTime();
                            if (now > warmupEnd && now < end) {
                                measured.incrementAndGet();
                            }
                            if (now < end) {
                                sendOne.run();
                            } else {
                                outbound.tryEmitComplete();
                            }
                        }).then();
                        return Mono.when(out.sendObject(outbound.asFlux()).then(), receive);
                    })
                    .doFinally(s -> done.countDown())
                    .subscribe(null, e -> { }));
            }
            done.await(options.seconds + options.warmupSeconds + 30L, TimeUnit.SECONDS);
            return measured.get() / (double) options.seconds;
        } finally {
            connections.forEach(Disposable::dispose);
            loops.disposeLater().block(Duration.ofSeconds(10));
        }
    }
}
