package io.eventgateway.server.metrics;

import io.eventgateway.error.ErrorCode;
import io.eventgateway.event.Event;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.ToDoubleFunction;

/**
 * The Micrometer implementation of {@link GatewayMetrics} and its recorder, on a {@link PrometheusMeterRegistry} of
 * its own (several gateways in one JVM, as in tests, never share meters).
 *
 * <p>Meters on a hot path are resolved once, here, and only incremented there: the write-latency timer and the
 * per-entity slots ({@link EntityCounters}). Error and close counters are looked up per error or per close, which
 * are rare next to deliveries, and cached.
 */
final class PrometheusGatewayMetrics implements GatewayMetrics, GatewayMetricsRecorder {

    /** Close codes kept as tag values: RFC 6455's registered codes and the gateway's own; others are "other". */
    private static final Set<Integer> KNOWN_CLOSE_CODES = Set.of(1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009,
        1010, 1011, 1012, 1013, 1014, 1015, 4001, 4003);

    /** What {@link PrometheusMeterRegistry#scrape(OutputStream)} writes: Prometheus text format 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final AtomicBoolean disposed = new AtomicBoolean();

    private final Counter opened;
    private final Counter overflowFrames;
    private final Timer writeLatency;
    private final Timer appendDuration;
    private final DistributionSummary appendBatchSize;
    private final Counter appendFailures;
    private final EntityCounters published = new EntityCounters(GatewayMeters.MAX_ENTITY_TAGS);
    private final AtomicReferenceArray<Counter> errors =
        new AtomicReferenceArray<>(ErrorCode.values().length * Transport.values().length);
    private final Map<String, Counter> closed = new ConcurrentHashMap<>();

    /** The totals of the latest scrape's snapshot; counters never go down (a closing connection moves its counts). */
    private volatile Snapshot snapshot = new Snapshot(0, 0, 0, 0, 0, 0);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    PrometheusGatewayMetrics(ByteBufAllocator allocator) {
        gauge(GatewayMeters.WS_CONNECTIONS_ACTIVE, s -> s.snapshot.connections());
        gauge(GatewayMeters.WS_SUBSCRIPTIONS_ACTIVE, s -> s.snapshot.subscriptions());
        gauge(GatewayMeters.PATTERNS_ACTIVE, s -> s.snapshot.patterns());
        gauge(GatewayMeters.LOG_HEAD_SEQ, s -> s.snapshot.logHeadSeq());
        functionCounter(GatewayMeters.EVENTS_DELIVERED, delivered);
        functionCounter(GatewayMeters.EVENTS_DROPPED, dropped);
        opened = counter(GatewayMeters.WS_CONNECTIONS_OPENED);
        overflowFrames = counter(GatewayMeters.WS_OVERFLOW_FRAMES);
        appendFailures = counter(GatewayMeters.STORE_APPEND_FAILURES);
        writeLatency = Timer.builder(GatewayMeters.EVENTS_WRITE_LATENCY.meterName())
            .description(GatewayMeters.EVENTS_WRITE_LATENCY.description())
            .serviceLevelObjectives(millis(0.5), millis(1), millis(2.5), millis(5), millis(10), millis(25),
                millis(50), millis(100), millis(250), millis(500), millis(1000), millis(2500), millis(5000),
                millis(10_000))
            .register(registry);
        appendDuration = Timer.builder(GatewayMeters.STORE_APPEND_DURATION.meterName())
            .description(GatewayMeters.STORE_APPEND_DURATION.description())
            .serviceLevelObjectives(millis(0.1), millis(0.25), millis(0.5), millis(1), millis(2.5), millis(5),
                millis(10), millis(25), millis(50), millis(100), millis(250), millis(1000))
            .register(registry);
        appendBatchSize = DistributionSummary.builder(GatewayMeters.STORE_APPEND_BATCH_SIZE.meterName())
            .description(GatewayMeters.STORE_APPEND_BATCH_SIZE.description())
            .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)
            .register(registry);
        published.registerNew(registry);

        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new NettyAllocatorMetrics(allocator).bindTo(registry);
    }

    private static Duration millis(double ms) {
        return Duration.ofNanos((long) (ms * 1_000_000));
    }

    private void gauge(GatewayMeters meter, ToDoubleFunction<PrometheusGatewayMetrics> value) {
        Gauge.builder(meter.meterName(), this, value).description(meter.description()).strongReference(true)
            .register(registry);
    }

    private void functionCounter(GatewayMeters meter, AtomicLong value) {
        FunctionCounter.builder(meter.meterName(), value, AtomicLong::get).description(meter.description())
            .register(registry);
    }

    private Counter counter(GatewayMeters meter) {
        return Counter.builder(meter.meterName()).description(meter.description()).register(registry);
    }

    // ---- GatewayMetrics

    @Override
    public GatewayMetricsRecorder recorder() {
        return this;
    }

    @Override
    public void scrape(Snapshot snapshot, OutputStream out) throws IOException {
        this.snapshot = snapshot;
        // The hub counts every connection exactly once in a snapshot (Hub#stats), so these totals do not go down;
        // keeping the highest value seen makes that a property of the counter, whatever a snapshot says.
        delivered.accumulateAndGet(snapshot.delivered(), Math::max);
        dropped.accumulateAndGet(snapshot.dropped(), Math::max);
        published.registerNew(registry);
        registry.scrape(out);
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public void dispose() {
        if (disposed.compareAndSet(false, true)) {
            gcMetrics.close();
            registry.close();
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed.get();
    }

    // ---- GatewayMetricsRecorder

    @Override
    public void dispatched(List<Event> batch) {
        published.count(batch);
    }

    @Override
    public void written(long commitToWriteNanos) {
        writeLatency.record(commitToWriteNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void committed(int events, long nanos) {
        appendDuration.record(nanos, TimeUnit.NANOSECONDS);
        appendBatchSize.record(events);
    }

    @Override
    public void commitFailed(int events) {
        appendFailures.increment();
    }

    @Override
    public void connectionOpened() {
        opened.increment();
    }

    @Override
    public void connectionClosed(int closeCode, boolean byServer) {
        String code = KNOWN_CLOSE_CODES.contains(closeCode) ? Integer.toString(closeCode) : "other";
        String initiator = byServer ? "server" : "client";
        closed.computeIfAbsent(code + '/' + initiator, key -> Counter
                .builder(GatewayMeters.WS_CONNECTIONS_CLOSED.meterName())
                .description(GatewayMeters.WS_CONNECTIONS_CLOSED.description())
                .tag("code", code)
                .tag("initiator", initiator)
                .register(registry))
            .increment();
    }

    @Override
    public void overflowFrame() {
        overflowFrames.increment();
    }

    @Override
    public void error(ErrorCode code, Transport transport) {
        int index = transport.ordinal() * ErrorCode.values().length + code.ordinal();
        Counter counter = errors.get(index);
        if (counter == null) {
            counter = Counter.builder(GatewayMeters.ERRORS.meterName())
                .description(GatewayMeters.ERRORS.description())
                .tag("code", code.name())
                .tag("transport", transport.tag())
                .register(registry);
            errors.set(index, counter);
        }
        counter.increment();
    }

    /**
     * The published count of an entity tag value, for tests.
     *
     * @param entity the entity or {@code other}
     * @return the count
     */
    long published(String entity) {
        return published.count(entity);
    }

    @Override
    public boolean enabled() {
        return true;
    }
}
