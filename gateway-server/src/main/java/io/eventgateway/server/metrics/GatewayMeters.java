package io.eventgateway.server.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Every meter {@code GET /metrics} serves, in one place (after reactor-netty's {@code HttpServerMeters}): the
 * gateway's own, the Netty allocator's, and those of the Micrometer JVM and process binders. docs/METRICS.md is
 * this enum as a table ({@link #markdownTable()}); a unit test keeps the two equal, and an integration test checks
 * that every name appears in a real scrape.
 *
 * <p>Tags have bounded values: {@code entity} at most {@link #MAX_ENTITY_TAGS} values and then {@code other},
 * never a topic id; {@code code} an {@code ErrorCode} name or a close code of RFC 6455 (others are {@code other}).
 */
public enum GatewayMeters {

    // ---- connections and subscriptions
    /** Open WebSocket connections. */
    WS_CONNECTIONS_ACTIVE("gateway.ws.connections.active", Meter.Type.GAUGE, null, List.of(),
        "Open WebSocket connections (upgrades in progress included).", ""),
    /** WebSocket connections opened. */
    WS_CONNECTIONS_OPENED("gateway.ws.connections.opened", Meter.Type.COUNTER, null, List.of(),
        "WebSocket connections whose upgrade succeeded.", ""),
    /** WebSocket connections closed, by close code and by who closed first. */
    WS_CONNECTIONS_CLOSED("gateway.ws.connections.closed", Meter.Type.COUNTER, null, List.of("code", "initiator"),
        "WebSocket connections closed. code: the close code (1006 = ended without a close frame); initiator:"
            + " server when the gateway closed first, else client.", "after the first close"),
    /** Subscriptions across connections. */
    WS_SUBSCRIPTIONS_ACTIVE("gateway.ws.subscriptions.active", Meter.Type.GAUGE, null, List.of(),
        "Active subscriptions: (connection, pattern) pairs.", ""),
    /** Distinct active patterns. */
    PATTERNS_ACTIVE("gateway.patterns.active", Meter.Type.GAUGE, null, List.of(),
        "Distinct active topic patterns (one shared sink each).", ""),

    // ---- events
    /** Events published, by entity. */
    EVENTS_PUBLISHED("gateway.events.published", Meter.Type.COUNTER, null, List.of("entity"),
        "Events committed and dispatched, by entity (the topic's part before ':'; at most 100 entities, then"
            + " other).", "entity=other always; an entity after its first event"),
    /** Events delivered. */
    EVENTS_DELIVERED("gateway.events.delivered", Meter.Type.COUNTER, null, List.of(),
        "Events handed to connections' sockets, live and replayed.", ""),
    /** Events dropped by overflow. */
    EVENTS_DROPPED("gateway.events.dropped", Meter.Type.COUNTER, null, List.of(),
        "Events dropped from full connection buffers (each announced by an overflow frame).", ""),
    /** Overflow frames. */
    WS_OVERFLOW_FRAMES("gateway.ws.overflow.frames", Meter.Type.COUNTER, null, List.of(),
        "overflow frames sent (one per run of consecutive drops).", ""),
    /** Publish-to-write latency. */
    EVENTS_WRITE_LATENCY("gateway.events.write.latency", Meter.Type.TIMER, "seconds", List.of(),
        "From the log's commit to the frame handed to the socket, histogram. One sample per event-loop batch: the"
            + " oldest commit of the batch, so an upper bound of its other deliveries.", ""),

    // ---- the event log
    /** Group commit duration. */
    STORE_APPEND_DURATION("gateway.store.append.duration", Meter.Type.TIMER, "seconds", List.of(),
        "Durable log: time to write and commit one group-commit batch, histogram (nothing with store.url=memory:).",
        ""),
    /** Group commit size. */
    STORE_APPEND_BATCH_SIZE("gateway.store.append.batch.size", Meter.Type.DISTRIBUTION_SUMMARY, null, List.of(),
        "Durable log: events per group commit, histogram.", ""),
    /** Failed group commits. */
    STORE_APPEND_FAILURES("gateway.store.append.failures", Meter.Type.COUNTER, null, List.of(),
        "Durable log: group commits that failed and were rolled back.", ""),
    /** The log's head. */
    LOG_HEAD_SEQ("gateway.log.head.seq", Meter.Type.GAUGE, null, List.of(),
        "The event log's head seq.", ""),

    // ---- errors
    /** Errors by code. */
    ERRORS("gateway.errors", Meter.Type.COUNTER, null, List.of("code", "transport"),
        "Errors answered, by ErrorCode name; transport ws (error frames) or http (REST and refused upgrades).",
        "after the first error"),

    // ---- Netty
    /** Netty allocator memory. */
    NETTY_ALLOCATOR_MEMORY_USED("netty.allocator.memory.used", Meter.Type.GAUGE, "bytes",
        List.of("allocator", "area"), "Memory held by Netty's buffer allocator; area heap or direct.", ""),
    /** Pooled allocator: memory in use by buffers. */
    NETTY_ALLOCATOR_MEMORY_PINNED("netty.allocator.memory.pinned", Meter.Type.GAUGE, "bytes",
        List.of("allocator", "area"), "Pooled allocator only: memory of live buffers.",
        "with -Dio.netty.allocator.type=pooled"),
    /** Pooled allocator: arenas. */
    NETTY_ALLOCATOR_ARENAS("netty.allocator.arenas", Meter.Type.GAUGE, null, List.of("allocator", "area"),
        "Pooled allocator only: arenas.", "with -Dio.netty.allocator.type=pooled"),

    // ---- JVM and process (Micrometer binders)
    /** JVM memory used. */
    JVM_MEMORY_USED("jvm.memory.used", Meter.Type.GAUGE, "bytes", List.of("area", "id"),
        "JVM memory used, per pool.", ""),
    /** JVM memory committed. */
    JVM_MEMORY_COMMITTED("jvm.memory.committed", Meter.Type.GAUGE, "bytes", List.of("area", "id"),
        "JVM memory committed, per pool.", ""),
    /** JVM memory max. */
    JVM_MEMORY_MAX("jvm.memory.max", Meter.Type.GAUGE, "bytes", List.of("area", "id"),
        "JVM memory maximum, per pool.", ""),
    /** Buffer pools. */
    JVM_BUFFER_MEMORY_USED("jvm.buffer.memory.used", Meter.Type.GAUGE, "bytes", List.of("id"),
        "NIO buffer pools (direct, mapped): memory used.", ""),
    /** Buffer pools. */
    JVM_BUFFER_COUNT("jvm.buffer.count", Meter.Type.GAUGE, "buffers", List.of("id"),
        "NIO buffer pools: buffers.", ""),
    /** Buffer pools. */
    JVM_BUFFER_TOTAL_CAPACITY("jvm.buffer.total.capacity", Meter.Type.GAUGE, "bytes", List.of("id"),
        "NIO buffer pools: total capacity.", ""),
    /** GC pauses. */
    JVM_GC_PAUSE("jvm.gc.pause", Meter.Type.TIMER, "seconds", List.of("action", "cause", "gc"),
        "GC pauses.", "after the first GC"),
    /** Concurrent GC phases. */
    JVM_GC_CONCURRENT_PHASE_TIME("jvm.gc.concurrent.phase.time", Meter.Type.TIMER, "seconds",
        List.of("action", "cause", "gc"), "Concurrent GC phases.",
        "with a collector that reports concurrent phases (ZGC, Shenandoah; G1 from JDK 20)"),
    /** GC allocation. */
    JVM_GC_MEMORY_ALLOCATED("jvm.gc.memory.allocated", Meter.Type.COUNTER, "bytes", List.of(),
        "Young generation allocation between GCs.", ""),
    /** GC promotion. */
    JVM_GC_MEMORY_PROMOTED("jvm.gc.memory.promoted", Meter.Type.COUNTER, "bytes", List.of(),
        "Old generation growth between GCs.",
        "with a generational collector (G1, Parallel; not ZGC on JDK 17, the launcher's default)"),
    /** Old generation live data. */
    JVM_GC_LIVE_DATA_SIZE("jvm.gc.live.data.size", Meter.Type.GAUGE, "bytes", List.of(),
        "Old generation size after the last full or concurrent collection.", ""),
    /** Old generation maximum. */
    JVM_GC_MAX_DATA_SIZE("jvm.gc.max.data.size", Meter.Type.GAUGE, "bytes", List.of(),
        "Old generation maximum.", ""),
    /** Live threads. */
    JVM_THREADS_LIVE("jvm.threads.live", Meter.Type.GAUGE, "threads", List.of(), "Live threads.", ""),
    /** Daemon threads. */
    JVM_THREADS_DAEMON("jvm.threads.daemon", Meter.Type.GAUGE, "threads", List.of(), "Live daemon threads.", ""),
    /** Peak threads. */
    JVM_THREADS_PEAK("jvm.threads.peak", Meter.Type.GAUGE, "threads", List.of(), "Peak live threads.", ""),
    /** Started threads. */
    JVM_THREADS_STARTED("jvm.threads.started", Meter.Type.COUNTER, "threads", List.of(), "Threads started.", ""),
    /** Threads by state. */
    JVM_THREADS_STATES("jvm.threads.states", Meter.Type.GAUGE, "threads", List.of("state"),
        "Threads by state.", ""),
    /** Loaded classes. */
    JVM_CLASSES_LOADED("jvm.classes.loaded", Meter.Type.GAUGE, "classes", List.of(), "Classes loaded.", ""),
    /** Classes loaded since start. */
    JVM_CLASSES_LOADED_COUNT("jvm.classes.loaded.count", Meter.Type.COUNTER, "classes", List.of(),
        "Classes loaded since start.", ""),
    /** Unloaded classes. */
    JVM_CLASSES_UNLOADED("jvm.classes.unloaded", Meter.Type.COUNTER, "classes", List.of(),
        "Classes unloaded.", ""),
    /** Process CPU. */
    PROCESS_CPU_USAGE("process.cpu.usage", Meter.Type.GAUGE, null, List.of(),
        "CPU used by the gateway's process, 0 to 1 of the whole machine.", ""),
    /** Process CPU time. */
    PROCESS_CPU_TIME("process.cpu.time", Meter.Type.COUNTER, "ns", List.of(),
        "CPU time used by the gateway's process.", ""),
    /** System CPU. */
    SYSTEM_CPU_USAGE("system.cpu.usage", Meter.Type.GAUGE, null, List.of(),
        "CPU used by the whole machine, 0 to 1.", ""),
    /** CPUs. */
    SYSTEM_CPU_COUNT("system.cpu.count", Meter.Type.GAUGE, null, List.of(), "Processors available.", ""),
    /** Load average. */
    SYSTEM_LOAD_AVERAGE_1M("system.load.average.1m", Meter.Type.GAUGE, null, List.of(),
        "Load average over the last minute.", ""),
    /** Uptime. */
    PROCESS_UPTIME("process.uptime", Meter.Type.GAUGE, "seconds", List.of(), "Process uptime.", ""),
    /** Start time. */
    PROCESS_START_TIME("process.start.time", Meter.Type.GAUGE, "seconds", List.of(),
        "Process start, Unix epoch.", ""),
    /** Open files. */
    PROCESS_FILES_OPEN("process.files.open", Meter.Type.GAUGE, "files", List.of(),
        "Open file descriptors (sockets included).", ""),
    /** Maximum open files. */
    PROCESS_FILES_MAX("process.files.max", Meter.Type.GAUGE, "files", List.of(),
        "Maximum open file descriptors (ulimit -n).", "");

    /** The most {@code entity} tag values of {@link #EVENTS_PUBLISHED}; later entities count as {@code other}. */
    public static final int MAX_ENTITY_TAGS = 100;

    private static final PrometheusNamingConvention PROMETHEUS = new PrometheusNamingConvention();

    private final String meterName;
    private final Meter.Type type;
    private final @Nullable String baseUnit;
    private final List<String> tagKeys;
    private final String description;
    private final String presence;

    GatewayMeters(String meterName, Meter.Type type, @Nullable String baseUnit, List<String> tagKeys,
                  String description, String presence) {
        this.meterName = meterName;
        this.type = type;
        this.baseUnit = baseUnit;
        this.tagKeys = tagKeys;
        this.description = description;
        this.presence = presence;
    }

    /**
     * The Micrometer name.
     *
     * @return e.g. {@code gateway.events.published}
     */
    public String meterName() {
        return meterName;
    }

    /**
     * The meter type.
     *
     * @return the Micrometer type
     */
    public Meter.Type type() {
        return type;
    }

    /**
     * The base unit, which Prometheus names end with.
     *
     * @return e.g. {@code bytes}, or null
     */
    public @Nullable String baseUnit() {
        return baseUnit;
    }

    /**
     * The tag keys.
     *
     * @return the keys, maybe empty
     */
    public List<String> tagKeys() {
        return tagKeys;
    }

    /**
     * What the meter measures.
     *
     * @return one sentence or two
     */
    public String description() {
        return description;
    }

    /**
     * When the meter appears in a scrape.
     *
     * @return empty when it is always there, else the condition (e.g. {@code after the first GC})
     */
    public String presence() {
        return presence;
    }

    /**
     * The metric family name in Prometheus text, as its {@code # TYPE} line shows it.
     *
     * @return e.g. {@code gateway_events_published_total}, {@code gateway_events_write_latency_seconds}
     */
    public String prometheusName() {
        String name = PROMETHEUS.name(meterName, type, baseUnit);
        // The exposition writes counters with this suffix; the naming convention leaves it to the writer.
        return type == Meter.Type.COUNTER ? name + "_total" : name;
    }

    /**
     * The Prometheus type of the family.
     *
     * @return {@code counter}, {@code gauge}, {@code histogram} or {@code summary}; a timer or a summary also has a
     *     gauge family named {@link #prometheusName()} + {@code _max}
     */
    public String prometheusType() {
        switch (type) {
            case COUNTER:
                return "counter";
            case GAUGE:
                return "gauge";
            case TIMER:
            case DISTRIBUTION_SUMMARY:
                // The gateway's own timers publish buckets (service level objectives); the JVM's do not.
                return meterName.startsWith("gateway.") ? "histogram" : "summary";
            default:
                return type.name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * docs/METRICS.md's table: one row per meter.
     *
     * @return the Markdown table, with a header and a trailing newline
     */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder();
        out.append("| Prometheus name | Micrometer name | type | tags | present | description |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (GatewayMeters meter : values()) {
            out.append("| `").append(meter.prometheusName()).append("` | `").append(meter.meterName)
                .append("` | ").append(meter.prometheusType()).append(" | ")
                .append(meter.tagKeys.isEmpty() ? "" : "`" + String.join("`, `", meter.tagKeys) + "`")
                .append(" | ").append(meter.presence.isEmpty() ? "always" : meter.presence)
                .append(" | ").append(meter.description).append(" |\n");
        }
        return out.toString();
    }
}
