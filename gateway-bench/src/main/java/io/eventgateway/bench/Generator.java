package io.eventgateway.bench;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.util.retry.Retry;

/**
 * The load generator's shared parts: its event loops ({@code --client-threads}, native epoll), the HTTP clients
 * (one new connection per WebSocket, never a pool: research/performance.md section 4, the default pool silently
 * kept half of 1,000 connections from delivering), the source addresses, the subscribers it opened, and the
 * counters every scenario reports.
 */
final class Generator implements AutoCloseable {

    static final WebsocketClientSpec WEBSOCKET_SPEC =
        WebsocketClientSpec.builder().maxFramePayloadLength(1 << 20).build();

    /** The generator's I/O threads are named after this, so their CPU can be read from {@code /proc}. */
    static final String LOOP_PREFIX = "bench-io";

    private static final long KEEP_ALIVE_SECONDS = 10;

    final BenchOptions options;
    final Protocol protocol;
    final LoopResources loops;
    final SourceAddresses sources;
    final LoopLag loopLag = new LoopLag();
    final Latency connectTimes = new Latency();
    private final HttpClient client;
    private final HttpClient smallReceiveBufferClient;
    private final LoopSpread spread;
    private final List<BenchClient> clients = new ArrayList<>();
    private final LongAdder lost = new LongAdder();
    private final LongAdder reconnectsAfterLoss = new LongAdder();
    private volatile boolean closing;
    private final LongAdder serverErrors = new LongAdder();
    private volatile @Nullable String lastProblem;
    private volatile int frameBytes;
    private final LongAdder framesReceived = new LongAdder();
    private final ScheduledExecutorService ticker;
    private volatile List<Integer> subscribersPerLoop = List.of();

    Generator(BenchOptions options) {
        this.options = options;
        this.protocol = Protocol.named(options.protocol);
        this.loops = LoopResources.create(LOOP_PREFIX, options.clientThreads, true);
        this.sources = new SourceAddresses(options.connectionsPerSourceAddress);
        HttpClient base = HttpClient.create(ConnectionProvider.newConnection())
            .runOn(loops)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
            .host(options.host)
            .port(options.port)
            .headers(h -> {
                if (options.token != null) {
                    h.set("Authorization", "Bearer " + options.token);
                }
            });
        this.client = base;
        this.smallReceiveBufferClient = base.option(ChannelOption.SO_RCVBUF, options.slowReceiveBuffer);
        this.spread = new LoopSpread(loops);
        this.loopLag.start(loops.onClient(true));
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-ticker");
            t.setDaemon(true);
            return t;
        });
        // A client that stopped reading still writes: a keep-alive now and then, so the server does not close it
        // as idle (ws.idle-timeout counts client frames).
        ticker.scheduleAtFixedRate(this::keepStalledAlive, KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Whether a received frame carries protocol data: text (the gateway, the Node peer), binary (nats-server
     * sends binary frames) or a continuation of either; not a control frame.
     *
     * @param frame the frame
     * @return true for text, binary and continuation frames
     */
    static boolean carriesData(WebSocketFrame frame) {
        return frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
            || frame instanceof ContinuationWebSocketFrame;
    }

    HttpClient client(boolean smallReceiveBuffer, InetSocketAddress source) {
        return (smallReceiveBuffer ? smallReceiveBufferClient : client).bindAddress(() -> source);
    }

    /**
     * Starts a connection on the next of the generator's loops in turn, so connections spread evenly over them
     * (see {@link LoopSpread}).
     *
     * @param start opens the connection
     */
    void startOnNextLoop(Runnable start) {
        spread.startOnNextLoop(start);
    }

    /**
     * Creates a subscriber (not connected yet).
     *
     * @param topicIndex the bench's index of its topic
     * @param topic the topic
     * @param latency where its latencies go, or null to record none
     * @param stallable whether it may be told to stop reading
     * @return the client
     */
    synchronized BenchClient add(int topicIndex, String topic, @Nullable Latency latency, boolean stallable) {
        BenchClient c = new BenchClient(this, topicIndex, topic, latency, stallable);
        clients.add(c);
        return c;
    }

    synchronized List<BenchClient> clients() {
        return new ArrayList<>(clients);
    }

    /**
     * Checks that this process may open {@code connections} sockets: {@code ulimit -n} bounds each process
     * (20,000 on the project's machine, and it cannot be raised there).
     *
     * @param connections the sockets the scenario will hold at once
     */
    static void checkOpenFileLimit(int connections) {
        long limit = ProcStats.maxOpenFiles(ProcessHandle.current().pid());
        if (limit > 0 && connections + 200 > limit) {
            throw new IllegalStateException(connections + " connections need more than this process's open-file"
                + " limit of " + limit + " (ulimit -n) allows, with about 200 left for the JVM: run fewer, or"
                + " raise the limit where that is possible");
        }
    }

    /**
     * Connects and subscribes clients, {@code --connect-concurrency} at a time, and waits until all are live.
     * A connection refused because its source address ran out of ports is retried from the next address.
     *
     * @param batch the clients
     * @param since resume after this seq, or -1
     */
    void connect(List<BenchClient> batch, long since) {
        long started = System.nanoTime();
        try {
            Flux.fromIterable(batch)
                .flatMap(c -> c.connect(since)
                    .retryWhen(Retry.max(3).filter(SourceAddresses::isOutOfPorts)), options.connectConcurrency)
                .then()
                .block(Duration.ofSeconds(options.connectTimeoutSeconds));
        } catch (RuntimeException e) {
            long liveNow = batch.stream().filter(c -> c.state == BenchClient.State.LIVE).count();
            throw new IllegalStateException("only " + liveNow + " of " + batch.size() + " subscribers connected and"
                + " subscribed within " + options.connectTimeoutSeconds + " s: " + rootMessage(e)
                + " (is the server's connection limit, e.g. server.max-connections, below the count?)", e);
        }
        subscribersPerLoop = countSubscribersPerLoop();
        System.err.printf("connected %,d subscribers in %.1f s from %d source address(es)%n", batch.size(),
            (System.nanoTime() - started) / 1e9, sources.used());
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }

    /**
     * How many subscribers read on each of the generator's event loops, in the loops' order, when the last
     * {@link #connect} finished. The load spreads only as evenly as these counts (see {@link LoopSpread}).
     *
     * @return one count per loop, empty before the first connect
     */
    List<Integer> subscribersPerLoop() {
        return subscribersPerLoop;
    }

    private List<Integer> countSubscribersPerLoop() {
        Map<EventExecutor, Integer> counts = new LinkedHashMap<>();
        for (EventExecutor loop : loops.onClient(true)) {
            counts.put(loop, 0);
        }
        for (BenchClient c : clients()) {
            EventLoop loop = c.loop();
            if (loop != null) {
                counts.computeIfPresent(loop, (l, n) -> n + 1);
            }
        }
        return new ArrayList<>(counts.values());
    }

    /** How many subscribers are connected and subscribed now. */
    int live() {
        int n = 0;
        for (BenchClient c : clients()) {
            if (c.state == BenchClient.State.LIVE) {
                n++;
            }
        }
        return n;
    }

    /** Events received by all subscribers so far (duplicates and late ones excluded). */
    long received() {
        long n = 0;
        for (BenchClient c : clients()) {
            n += c.ledger.received;
        }
        return n;
    }

    long announcedDrops() {
        long n = 0;
        for (BenchClient c : clients()) {
            n += c.ledger.announcedDrops;
        }
        return n;
    }

    long unannounced() {
        long n = 0;
        for (BenchClient c : clients()) {
            n += c.ledger.unannounced;
        }
        return n;
    }

    void connectionLost(BenchClient c) {
        lost.increment();
        lastProblem = "connection lost: " + c.lastError;
    }

    void serverError(String frame) {
        serverErrors.increment();
        lastProblem = "server error: " + frame;
    }

    long lost() {
        return lost.sum();
    }

    long serverErrors() {
        return serverErrors.sum();
    }

    @Nullable String lastProblem() {
        return lastProblem;
    }

    /**
     * Counts a received frame that carries data and remembers the size of the largest one seen: an event frame (or
     * a batch of them), whose size the report states.
     */
    void sampleFrame(int bytes) {
        framesReceived.increment();
        if (bytes > frameBytes) {
            frameBytes = bytes;
        }
    }

    int frameBytes() {
        return frameBytes;
    }

    /** Frames that carried data, received by every subscriber since the start. */
    long framesReceived() {
        return framesReceived.sum();
    }

    ScheduledExecutorService ticker() {
        return ticker;
    }

    private void keepStalledAlive() {
        for (BenchClient c : clients()) {
            if (c.stalled()) {
                c.send(protocol.keepAlive());
            }
        }
    }

    /**
     * Closes every connection at once and stops the event loops. Never throws: a slow shutdown (10,000 connections
     * on a loaded machine) must not cost the report.
     */
    @Override
    public void close() {
        closing = true;
        ticker.shutdownNow();
        loopLag.stop();
        for (BenchClient c : clients()) {
            c.dispose();
        }
        try {
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(30)).block(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            System.err.println("warning: the load generator's event loops did not stop in time: " + e);
        }
    }

    /** Whether the run is ending: a connection closed now is not lost, and is not reconnected. */
    boolean closing() {
        return closing;
    }

    /**
     * Reconnects, a moment later and with {@code since}, a subscriber whose connection the server closed, as a
     * client following PROTOCOL.md section 7 would; its stream stays checked across the gap.
     */
    void reconnectAfterLoss(BenchClient c) {
        if (closing) {
            return;
        }
        try {
            ticker.schedule(() -> c.connect(c.ledger.resumeAfter())
                .retryWhen(Retry.max(3).filter(SourceAddresses::isOutOfPorts))
                .subscribe(null, e -> lastProblem = "reconnect after a lost connection failed: " + e,
                    reconnectsAfterLoss::increment), 250, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The run is ending.
        }
    }

    long reconnectsAfterLoss() {
        return reconnectsAfterLoss.sum();
    }
}
