package io.eventgateway.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The orchestration domain under load (issue 4's figures): task updates through {@code PATCH /api/tasks/{id}} while
 * {@code --subscribers} (100) WebSocket clients watch {@code task:*} and {@code stream:*}, and the latency from
 * sending a PATCH to each subscriber's {@code task.status_changed} for it.
 *
 * <p>{@code --topics} (100) tasks in 10 streams; every PATCH moves its task to the next status of
 * in_progress, blocked, completed, pending (so each one emits {@code task.updated}, {@code task.status_changed},
 * often {@code task.blocked} or {@code task.completed}, and its stream's events) and sets the title to
 * {@code task-number:patch-number}, which {@code task.status_changed} carries as {@code taskTitle}: that is how a
 * received event finds its PATCH's send time. A task has at most one PATCH in flight.
 *
 * <p>Two phases after the warm-up (a closed loop) and a wait until its events are all in: an open loop at
 * {@code --rate} (50) PATCHes per second, latency measured from each PATCH's intended send time; then a closed loop
 * with {@code --concurrency} (8) PATCHes in flight, the most updates per second (which may be more than the
 * subscribers can take: the latency is then the backlog's, and the overflows are counted). At the end, every
 * subscriber must have received one {@code task.status_changed} per acknowledged PATCH (or an {@code overflow}
 * announcing what it lost).
 */
final class TasksScenario {

    /** How long no frame may arrive before the subscribers count as caught up. */
    private static final long QUIET_MS = 500;
    private static final String[] CYCLE = {"in_progress", "blocked", "completed", "pending"};
    private static final int STREAMS = 10;
    /** Send times kept per task: a subscriber may lag this many PATCHes of one task behind. */
    private static final int RING = 256;
    private static final ByteBuf STATUS_CHANGED_BUF = Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(
        "\"eventType\":\"task.status_changed\"", StandardCharsets.US_ASCII));

    private final BenchOptions options;
    private final int subscribers;
    private final int tasks;
    private final String run = Long.toHexString(System.nanoTime() & 0xffffffL);
    /** Per task: the next patch number, and the send nanos of the last RING patches (by number). */
    private final AtomicLongArray next;
    private final long[] sentAt;
    private final long[] sentNumber;
    private final Recorder latency = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
    private final AtomicLong statusChanged = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong announcedDrops = new AtomicLong();
    private final AtomicLong unmatched = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile @Nullable String lastProblem;
    private volatile boolean recording;

    TasksScenario(BenchOptions options) {
        this.options = options;
        this.subscribers = options.subscribers(100);
        this.tasks = options.topics(100);
        this.next = new AtomicLongArray(tasks);
        this.sentAt = new long[tasks * RING];
        this.sentNumber = new long[tasks * RING];
        java.util.Arrays.fill(sentNumber, -1);
    }

    Report run() throws Exception {
        int concurrency = Math.min(options.concurrency, tasks);
        int rate = options.rate(50);
        Report report = new Report("tasks");
        report.label = options.label;
        report.target = Report.target(options);
        report.parameters.put("subscribers (task:* and stream:*)", subscribers);
        report.parameters.put("tasks / streams", tasks + " / " + STREAMS);
        report.parameters.put("PATCHes in flight (closed loop)", concurrency);
        report.parameters.put("open-loop rate, PATCH/s", rate);
        report.parameters.put("seconds per phase / warm-up", options.seconds + " / " + options.warmupSeconds);
        GatewayProbe probe = GatewayProbe.of(options);
        LoopResources loops = LoopResources.create("bench-tasks-ws", Math.max(1, options.clientThreads), true);
        // PATCHes on their own loop: their answers never wait behind the subscribers' frames.
        LoopResources httpLoop = LoopResources.create("bench-tasks-http", 1, true);
        ConnectionProvider pool = ConnectionProvider.builder("bench-tasks").maxConnections(Math.max(64, concurrency))
            .pendingAcquireMaxCount(-1).build();
        HttpClient http = HttpClient.create(pool)
            .runOn(httpLoop).option(ChannelOption.TCP_NODELAY, true).host(options.host).port(options.port)
            .headers(h -> {
                if (options.token != null) {
                    h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + options.token);
                }
            });
        Disposable.Composite sockets = Disposables.composite();
        try {
            setUp(http);
            connect(loops, sockets);
            closedLoop(http, concurrency, options.warmupSeconds);
            // The open loop first, after the warm-up's events are all in: the closed loop overloads the
            // subscribers, and its backlog would otherwise be measured as the open loop's latency.
            drain();
            Report.Row steady = measure("open loop, " + rate + " PATCH/s", probe, () ->
                openLoop(http, rate, options.seconds));
            Report.Row max = measure("closed loop, " + concurrency + " in flight", probe, () ->
                closedLoop(http, concurrency, options.seconds));
            report.rows.add(max);
            report.rows.add(steady);
        } finally {
            sockets.dispose();
            pool.disposeLater().block(Duration.ofSeconds(10));
            httpLoop.disposeLater().block(Duration.ofSeconds(10));
            loops.disposeLater().block(Duration.ofSeconds(10));
        }
        Report.Row max = report.rows.get(0);
        Report.Row steady = report.rows.get(1);
        steady.steady = true;
        report.results.put("task updates/s through PATCH /api/tasks/{id} (" + concurrency + " in flight)",
            max.publishedPerSecond);
        report.results.put("PATCH -> task.status_changed at that load, p50 / p99 / max ms",
            String.format(Locale.ROOT, "%.1f / %.1f / %.1f", max.p50Ms, max.p99Ms, max.maxMs));
        report.results.put("PATCH -> task.status_changed at " + rate + " PATCH/s, p50 / p99 / max ms",
            String.format(Locale.ROOT, "%.1f / %.1f / %.1f", steady.p50Ms, steady.p99Ms, steady.maxMs));
        report.results.put("frames delivered per second at the maximum", max.deliveriesPerSecond);
        long expected = acknowledged.get() * subscribers;
        long missing = expected - statusChanged.get() - announcedDrops.get();
        report.correctness.received = statusChanged.get();
        report.correctness.announcedDrops = announcedDrops.get();
        report.correctness.unannounced = Math.max(0, missing);
        report.correctness.publishesRejected = failed.get();
        report.correctness.lastProblem = lastProblem;
        report.notes.add("every PATCH acknowledged (" + acknowledged.get() + ") was heard as task.status_changed by"
            + " each subscriber: " + statusChanged.get() + " of " + expected + " events, " + announcedDrops.get()
            + " announced lost, " + unmatched.get() + " whose send time was no longer known");
        long rss = probe.rssKb();
        report.resources.gatewayRssMb = rss < 0 ? -1 : rss / 1024.0;
        report.machine.loadAverageAtEnd = ProcStats.loadAverage();
        return report;
    }

    /** Streams, and tasks spread over them. */
    private void setUp(HttpClient http) {
        for (int s = 0; s < STREAMS; s++) {
            call(http, HttpMethod.POST, "/api/streams", "{\"streamId\":\"bench-" + run + "-s" + s
                + "\",\"streamName\":\"bench stream " + s + "\"}").block(Duration.ofSeconds(30));
        }
        Flux.range(0, tasks).flatMap(k -> call(http, HttpMethod.POST, "/api/tasks", "{\"id\":\"" + taskId(k)
            + "\",\"title\":\"" + k + ":-1\",\"streamId\":\"bench-" + run + "-s" + (k % STREAMS) + "\"}"), 16)
            .then().block(Duration.ofSeconds(120));
    }

    private String taskId(int k) {
        return "bench-" + run + "-t" + k;
    }

    /** Opens the subscribers and waits until each one's subscription is confirmed. */
    private void connect(LoopResources loops, Disposable.Composite sockets) throws InterruptedException {
        CountDownLatch subscribed = new CountDownLatch(subscribers);
        LoopSpread spread = new LoopSpread(loops);
        HttpClient ws = HttpClient.create(ConnectionProvider.newConnection()).runOn(loops).host(options.host)
            .port(options.port).headers(h -> {
                if (options.token != null) {
                    h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + options.token);
                }
            });
        for (int i = 0; i < subscribers; i++) {
            spread.startOnNextLoop(() -> sockets.add(ws.websocket(WebsocketClientSpec.builder()
                .maxFramePayloadLength(1 << 20).build())
                .uri("/ws")
                .handle((in, out) -> out.sendString(Mono.just("{\"type\":\"subscribe\",\"id\":\"s\",\"payload\":"
                        + "{\"topics\":[\"task:*\",\"stream:*\"]}}"))
                    .then()
                    .and(in.receiveFrames().doOnNext(frame -> {
                        if (frame instanceof TextWebSocketFrame) {
                            onFrame((TextWebSocketFrame) frame, subscribed);
                        }
                    }).then()))
                .subscribe(null, e -> lastProblem = "a subscriber failed: " + e)));
        }
        if (!subscribed.await(options.connectTimeoutSeconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException(subscribed.getCount() + " subscribers were not subscribed in time");
        }
    }

    /** Runs on the subscriber's event loop: counts, and times task.status_changed against its PATCH. */
    private void onFrame(TextWebSocketFrame frame, CountDownLatch subscribed) {
        long now = System.nanoTime();
        frames.incrementAndGet();
        ByteBuf content = frame.content();
        // Most frames are other events: they are only counted, never copied.
        if (ByteBufUtil.indexOf(STATUS_CHANGED_BUF.duplicate(), content) >= 0) {
            statusChanged.incrementAndGet();
            String text = content.toString(StandardCharsets.UTF_8);
            int title = text.indexOf("\"taskTitle\":\"");
            int colon = text.indexOf(':', title + 13);
            int end = text.indexOf('"', colon);
            int k = Integer.parseInt(text.substring(title + 13, colon));
            long n = Long.parseLong(text.substring(colon + 1, end));
            int slot = k * RING + (int) (n % RING);
            long sent = sentAt[slot];
            if (sentNumber[slot] != n) {
                unmatched.incrementAndGet();
            } else if (recording) {
                latency.recordValue(Math.max(0, now - sent));
            }
            return;
        }
        String text = content.toString(content.readerIndex(), Math.min(content.readableBytes(), 40),
            StandardCharsets.UTF_8);
        if (text.startsWith("{\"type\":\"subscribed\"")) {
            subscribed.countDown();
        } else if (text.startsWith("{\"type\":\"overflow\"")) {
            String all = content.toString(StandardCharsets.UTF_8);
            int at = all.indexOf("\"dropped\":") + 10;
            int end = at;
            while (end < all.length() && Character.isDigit(all.charAt(end))) {
                end++;
            }
            // An overflow may drop any event, not only status changes: an upper bound of what is excused.
            announcedDrops.addAndGet(Long.parseLong(all.substring(at, end)));
        } else if (text.startsWith("{\"type\":\"error\"")) {
            lastProblem = content.toString(StandardCharsets.UTF_8);
        }
    }

    /** One PATCH of a task to its next status; records the send time under its number. */
    private Mono<Void> patch(HttpClient http, int k, long intendedNanos) {
        long n = next.getAndIncrement(k);
        int slot = k * RING + (int) (n % RING);
        sentAt[slot] = intendedNanos;
        sentNumber[slot] = n;
        String body = "{\"status\":\"" + CYCLE[(int) (n % CYCLE.length)] + "\",\"title\":\"" + k + ":" + n + "\"}";
        return call(http, HttpMethod.PATCH, "/api/tasks/" + taskId(k), body)
            .doOnSuccess(v -> acknowledged.incrementAndGet())
            .onErrorResume(e -> {
                failed.incrementAndGet();
                lastProblem = e.toString();
                return Mono.empty();
            });
    }

    private Mono<Void> call(HttpClient http, HttpMethod method, String path, String body) {
        return http.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
            .request(method).uri(path)
            .send(ByteBufFlux.fromString(Mono.just(body)))
            .responseSingle((response, content) -> {
                int status = response.status().code();
                if (status >= 300) {
                    return content.asString().defaultIfEmpty("").flatMap(text -> Mono.error(
                        new IllegalStateException(method + " " + path + " answered " + status + ": " + text)));
                }
                return content.then();
            });
    }

    /** {@code concurrency} workers, each cycling over its own tasks, one PATCH in flight each. */
    private void closedLoop(HttpClient http, int concurrency, int seconds) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Flux.range(0, concurrency).flatMap(w -> {
            int[] turn = {0};
            return Mono.defer(() -> {
                int k = w + concurrency * (turn[0]++ % Math.max(1, tasks / concurrency));
                return patch(http, k, System.nanoTime());
            }).repeat(() -> System.nanoTime() < end);
        }, concurrency).then().block(Duration.ofSeconds(seconds + 120L));
    }

    /** PATCHes at a fixed rate over all tasks in turn; latency counts from each one's intended send time. */
    private void openLoop(HttpClient http, int rate, int seconds) {
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        long count = (long) rate * seconds;
        // Tick i at start + i periods: Flux.interval(period) alone would tick first after one period, and every
        // latency would include that period (20 ms at 50/s).
        Flux.interval(Duration.ZERO, Duration.ofNanos(periodNanos)).take(count)
            .flatMap(i -> patch(http, (int) (i % tasks), start + i * periodNanos), 1024)
            .then().block(Duration.ofSeconds(seconds + 120L));
    }

    @FunctionalInterface
    private interface Phase {
        void run() throws Exception;
    }

    private Report.Row measure(String label, GatewayProbe probe, Phase phase) throws Exception {
        latency.getIntervalHistogram();
        long acked0 = acknowledged.get();
        long frames0 = frames.get();
        double cpu0 = probe.cpuSeconds();
        recording = true;
        long t0 = System.nanoTime();
        phase.run();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        // The events of the last PATCHes are still on their way: wait for them before closing the histogram.
        drain();
        recording = false;
        double cpu1 = probe.cpuSeconds();
        Histogram h = latency.getIntervalHistogram();
        Report.Row row = new Report.Row(label);
        row.seconds = elapsed;
        row.publishedPerSecond = (acknowledged.get() - acked0) / elapsed;
        row.deliveriesPerSecond = (frames.get() - frames0) / elapsed;
        row.samples = h.getTotalCount();
        row.p50Ms = h.getValueAtPercentile(50) / 1e6;
        row.p99Ms = h.getValueAtPercentile(99) / 1e6;
        row.p999Ms = h.getValueAtPercentile(99.9) / 1e6;
        row.maxMs = h.getMaxValue() / 1e6;
        row.gatewayCpu = cpu0 < 0 || cpu1 < 0 ? -1 : (cpu1 - cpu0) / elapsed;
        System.out.printf(Locale.ROOT, "%s: %.0f PATCH/s, %.0f frames/s, PATCH -> status_changed p50 %.1f ms,"
            + " p99 %.1f ms, max %.1f ms (%d samples)%n", label, row.publishedPerSecond, row.deliveriesPerSecond,
            row.p50Ms, row.p99Ms, row.maxMs, row.samples);
        return row;
    }

    /** Waits until every acknowledged PATCH was heard by every subscriber (or announced lost), at most the drain. */
    private void drain() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.drainSeconds);
        while (System.nanoTime() < deadline
            && statusChanged.get() + announcedDrops.get() < acknowledged.get() * subscribers) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        // An overflow's count covers events of every type, so the counts can balance while other frames are still
        // queued: wait until none has arrived for QUIET_MS too.
        long seen = frames.get();
        long quietSince = System.nanoTime();
        long quiet = TimeUnit.MILLISECONDS.toNanos(QUIET_MS);
        while (System.nanoTime() < deadline && System.nanoTime() - quietSince < quiet) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            long now = frames.get();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            }
        }
    }
}
