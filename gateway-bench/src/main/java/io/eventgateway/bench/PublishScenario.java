package io.eventgateway.bench;

import io.eventgateway.log.EventLog;
import io.eventgateway.r2dbc.sqlite.SqliteConnectionFactory;
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
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
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

    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);

    private final BenchOptions options;
    private final AtomicLong rejected = new AtomicLong();
    private volatile @Nullable String lastProblem;

    PublishScenario(BenchOptions options) {
        this.options = options;
    }

    Report run() throws Exception {
        Report report = new Report("publish");
        report.label = options.label;
        report.target = Report.target(options);
        report.parameters.put("batch", options.batch);
        report.parameters.put("REST requests in flight", options.concurrency);
        report.parameters.put("WebSocket publishers", options.publishers(32));
        report.parameters.put("unacknowledged per publisher", options.window);
        report.parameters.put("seconds per path", options.seconds);
        report.parameters.put("warm-up s", options.warmupSeconds);
        GatewayProbe probe = GatewayProbe.of(options);
        String pad = "x".repeat(Math.max(0, options.payloadBytes - 120));
        double jdbc = jdbcBaseline(pad);
        report.results.put(String.format(Locale.ROOT, "baseline: sqlite-jdbc batch insert (batch %d, WAL,"
            + " synchronous=NORMAL), events/s", options.batch), jdbc);
        double cpu0 = probe.cpuSeconds();
        long t0 = System.nanoTime();
        double rest = restBatches(pad);
        double restCpu = cpuShare(probe, cpu0, t0);
        report.results.put(String.format(Locale.ROOT, "REST POST /api/events, arrays of %d, %d in flight, events/s",
            options.batch, options.concurrency), rest);
        report.results.put("REST ratio to the baseline", rest / jdbc);
        waitForRetention(probe, report);
        cpu0 = probe.cpuSeconds();
        t0 = System.nanoTime();
        double ws = webSocketPublishers(pad);
        double wsCpu = cpuShare(probe, cpu0, t0);
        report.results.put(String.format(Locale.ROOT, "WebSocket publish, %d publishers x %d in flight, one event"
            + " each, events/s", options.publishers(32), options.window), ws);
        report.results.put("WebSocket ratio to the baseline", ws / jdbc);
        if (restCpu >= 0) {
            report.results.put("gateway CPU during REST / WebSocket (warm-up included), cores",
                String.format(Locale.ROOT, "%.2f / %.2f", restCpu, wsCpu));
        }
        long rss = probe.rssKb();
        report.resources.gatewayRssMb = rss < 0 ? -1 : rss / 1024.0;
        report.correctness.publishesRejected = rejected.get();
        report.correctness.lastProblem = lastProblem;
        report.notes.add("the baseline runs first, alone; the gateway and this load generator then share the"
            + " machine's cores");
        return report;
    }

    /**
     * Waits, at most two minutes, until the gateway's retention stops purging. A REST phase that appends more than
     * {@code store.retention-events} leaves a backlog of deletes that the writer works off between appends, and the
     * WebSocket phase after it would pay for it (15,600 events/s against 24,500-30,800 in the same session): each
     * phase starts from a store at rest, and the WebSocket phase still runs with retention deleting as many events
     * as it appends, as in a gateway that has run for a while.
     */
    private static void waitForRetention(GatewayProbe probe, Report report) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MINUTES.toNanos(2);
        long first = probe.oldestSeq();
        long last = first;
        int unchanged = 0;
        // Unchanged for 2 s: retention wakes once a second, so two of its turns found nothing more to purge.
        while (unchanged < 4 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            long now = probe.oldestSeq();
            unchanged = now == last ? unchanged + 1 : 0;
            last = now;
        }
        report.notes.add(String.format(Locale.ROOT, "between the REST and the WebSocket phase the bench waited %.1f s"
            + " for the gateway's retention to stop purging (oldest retained seq %d, then %d)",
            (System.nanoTime() - start) / 1e9, first, last));
    }

    private static double cpuShare(GatewayProbe probe, double before, long startNanos) {
        double after = probe.cpuSeconds();
        return before < 0 || after < 0 ? -1 : (after - before) / ((System.nanoTime() - startNanos) / 1e9);
    }

    private String event(String pad, long i) {
        return "{\"topic\":\"bench:p" + (i % 16) + "\",\"eventType\":\"bench.append\",\"data\":{\"i\":" + i
            + ",\"pad\":\"" + pad + "\"}}";
    }

    /** The same rows, the same schema and settings, inserted by one thread with JDBC batches: the store's limit. */
    private double jdbcBaseline(String pad) throws Exception {
        Path dir = Files.createTempDirectory("bench-jdbc");
        Path file = dir.resolve("baseline.db");
        createGatewaySchema(file);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA synchronous=NORMAL");
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

    /**
     * Creates the store the way the gateway does, by opening its log on the file (every schema migration, WAL) and
     * closing it: the baseline then inserts into exactly the tables and indexes the gateway writes, whatever a later
     * migration changes.
     */
    private static void createGatewaySchema(Path file) {
        EventLog log = EventLog.r2dbc(SqliteConnectionFactory.from("r2dbc:sqlite:" + file), Clock.systemUTC(),
            Long.MAX_VALUE, Duration.ofDays(36_500), Duration.ofMinutes(5), Schedulers.single()).block(OPEN_TIMEOUT);
        if (log == null) {
            throw new IllegalStateException("the gateway's log did not open on " + file);
        }
        log.disposeLater().block(OPEN_TIMEOUT);
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
                        .responseSingle((response, content) -> response.status().code() == 202
                            ? content.then(Mono.just(""))
                            : content.asString().defaultIfEmpty("").map(text -> response.status().code() + " " + text))
                        .doOnNext(problem -> {
                            if (!problem.isEmpty()) {
                                rejected.incrementAndGet();
                                lastProblem = "POST /api/events answered " + problem;
                                return;
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
        Disposable.Composite connections = Disposables.composite();
        LoopSpread spread = new LoopSpread(loops);
        AtomicLong acknowledged = new AtomicLong();
        long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.warmupSeconds + 2L);
        long end = warmupEnd + TimeUnit.SECONDS.toNanos(options.seconds);
        AtomicLong measured = new AtomicLong();
        CountDownLatch done = new CountDownLatch(options.publishers(32));
        byte[] publishedPrefix = Scan.ascii("{\"type\":\"published\"");
        byte[] errorPrefix = Scan.ascii("{\"type\":\"error\"");
        try {
            for (int p = 0; p < options.publishers(32); p++) {
                int publisher = p;
                Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();
                AtomicLong sent = new AtomicLong();
                Runnable sendOne = () -> outbound.tryEmitNext(new TextWebSocketFrame("{\"type\":\"publish\","
                    + "\"payload\":" + event(pad, publisher * 1_000_000_000L + sent.incrementAndGet()) + "}"));
                spread.startOnNextLoop(() -> connections.add(HttpClient.create(ConnectionProvider.newConnection())
                    .runOn(loops)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .host(options.host).port(options.port)
                    .websocket().uri("/ws")
                    .handle((in, out) -> {
                        for (int w = 0; w < options.window; w++) {
                            sendOne.run();
                        }
                        Mono<Void> receive = in.receiveFrames().doOnNext(frame -> {
                            ByteBuf content = frame.content();
                            byte[] head = Scan.head(content);
                            if (!Scan.startsWith(head, 0, Scan.headLength(content), publishedPrefix)) {
                                if (Scan.startsWith(head, 0, Scan.headLength(content), errorPrefix)) {
                                    rejected.incrementAndGet();
                                    lastProblem = content.toString(StandardCharsets.UTF_8);
                                } else {
                                    return;
                                }
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
                    .subscribe(null, e -> { })));
            }
            done.await(options.seconds + options.warmupSeconds + 30L, TimeUnit.SECONDS);
            return measured.get() / (double) options.seconds;
        } finally {
            connections.dispose();
            loops.disposeLater().block(Duration.ofSeconds(10));
        }
    }
}
