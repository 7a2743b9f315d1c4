package io.eventgateway.log;

import io.eventgateway.event.Event;
import io.eventgateway.event.EventData;
import io.eventgateway.event.NewEvent;
import io.eventgateway.topic.Topic;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Statement;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The durable {@link EventLog} on any R2DBC database (SQLite by default): table {@code events}, appended by one
 * writer connection with group commit, read by a second connection.
 *
 * <p><b>Group commit.</b> Appends are queued; one writer loop takes everything queued (up to
 * {@link #MAX_BATCH_EVENTS}), inserts it in one transaction, commits, then acknowledges each append and hands the
 * batch to the commit listener. While a transaction is in flight new appends accumulate, so batches grow with
 * load and a lone append is not delayed by any linger. {@code seq} is assigned by the writer in queue order,
 * which is commit order; the head is persisted in {@code meta} in the same transaction, so retention that
 * empties the table never makes a later start reuse a {@code seq}.
 *
 * <p><b>Retention</b> runs on the same writer loop between batches, deleting at most
 * {@link #PURGE_CHUNK} rows per transaction, so publishes never wait for a long delete.
 *
 * <p><b>Idempotency keys</b> are remembered in memory for {@code store.idempotency-window} and reloaded from the
 * table at start, so a retry after a restart is still recognised.
 */
final class R2dbcEventLog implements EventLog, StateStore {

    private static final Logger LOG = LoggerFactory.getLogger(R2dbcEventLog.class);

    /** The schema version this build writes; a database with a higher one is refused. */
    static final int SCHEMA_VERSION = Schema.VERSION;
    static final int MAX_BATCH_EVENTS = 2000;
    static final int PURGE_CHUNK = 10_000;
    /** How long retention may wait for the writer's queue to empty before it takes a chunk anyway. */
    static final long PURGE_STARVATION_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final int READ_PAGE = 512;
    /**
     * The events published with an idempotency key since a time, oldest first: read at start through the partial
     * index {@code events_keyed_ts}, in that index's order (ordered by seq, SQLite would scan the whole table).
     */
    static final String KEYED_SINCE = "SELECT seq, topic, event_type, ts, data, idempotency_key FROM events"
        + " WHERE idempotency_key IS NOT NULL AND ts >= ? ORDER BY ts, seq";
    /**
     * The newest events kept decoded in memory. Reconnecting clients ask for the tail of the log; serving it from
     * here shares one {@link Event} (and its encoded frame) across all of them instead of reading, parsing and
     * encoding every row once per client. Measured: a storm of 1,000 clients x 1,000 events went from 15.2 s
     * to 5.2 s until all were live (docs/BENCHMARKS.md).
     */
    static final int RECENT_CAPACITY = 10_000;

    private final Connection writer;
    private final Connection reader;
    private final Clock clock;
    private final long retentionEvents;
    private final Duration retentionAge;
    private final Duration idempotencyWindow;
    private final Scheduler timer;
    private final LogRecorder recorder;

    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    /**
     * The newest events, at index {@code seq % RECENT_CAPACITY}: written by the writer loop before it publishes
     * the new head, read by any reader, which checks each slot's seq (a slot may have been overwritten by a newer
     * event since). A ring rather than a sorted map: seqs are contiguous, and the map's inserts and trims were 13%
     * of the writer thread's samples under batched appends.
     */
    private final Event[] recent = new Event[RECENT_CAPACITY];
    private final AtomicBoolean running = new AtomicBoolean();
    private final IdempotencyKeys idempotencyKeys;
    private final Sinks.Empty<Void> drained = Sinks.empty();
    private final Disposable retentionTimer;
    private volatile CommitListener listener = CommitListener.NONE;
    private volatile long head;
    private volatile long oldest;
    private volatile long purgedThrough;
    private volatile boolean closing;
    private volatile boolean purgeDue;
    // Retention's turns, read and written by the writer loop's steps only (one at a time): since when it has been
    // due without running (System.nanoTime, 0 when not), whether its last chunk left more to delete, whether the
    // last step was one of its own.
    private long purgeDueSince;
    private boolean purgeBacklog;
    private boolean lastStepPurged;

    private R2dbcEventLog(Connection writer, Connection reader, Clock clock, long retentionEvents,
                          Duration retentionAge, Duration idempotencyWindow, Scheduler timer, long head,
                          long oldest, long purgedThrough, LogRecorder recorder) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.writer = writer;
        this.reader = reader;
        this.clock = clock;
        this.retentionEvents = retentionEvents;
        this.retentionAge = retentionAge;
        this.idempotencyWindow = idempotencyWindow;
        this.idempotencyKeys = new IdempotencyKeys(idempotencyWindow);
        this.timer = timer;
        this.head = head;
        this.oldest = oldest;
        this.purgedThrough = purgedThrough;
        this.retentionTimer = Flux.interval(Duration.ofSeconds(1), Duration.ofSeconds(1), timer)
            .subscribe(tick -> {
                purgeDue = true;
                kick();
            });
    }

    /**
     * Opens the log: two connections, the migrations, the head and the recent idempotency keys.
     *
     * @see EventLog#r2dbc
     */
    static Mono<EventLog> open(ConnectionFactory factory, Clock clock, long retentionEvents, Duration retentionAge,
                               Duration idempotencyWindow, Scheduler timer, LogRecorder recorder) {
        return Mono.from(factory.create())
            .flatMap(writer -> migrate(writer)
                .then(Mono.from(factory.create()))
                .flatMap(reader -> loadState(writer).flatMap(state -> {
                    R2dbcEventLog log = new R2dbcEventLog(writer, reader, clock, retentionEvents, retentionAge,
                        idempotencyWindow, timer, state[0], state[1], state[2], recorder);
                    return log.loadIdempotencyKeys().thenReturn((EventLog) log);
                }).onErrorResume(e -> Mono.from(reader.close()).then(Mono.error(e))))
                .onErrorResume(e -> Mono.from(writer.close()).then(Mono.error(e))));
    }

    private static Mono<Void> migrate(Connection c) {
        return Mono.from(c.createStatement("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                .execute()).flatMap(r -> Mono.from(r.getRowsUpdated()))
            .then(queryLong(c, "SELECT MAX(version) FROM schema_version"))
            .flatMap(version -> {
                if (version > SCHEMA_VERSION) {
                    return Mono.error(new IllegalStateException("the database has schema version " + version
                        + ", newer than this gateway knows (" + SCHEMA_VERSION + "): run a newer gateway, or"
                        + " point store.url at another file"));
                }
                if (version == SCHEMA_VERSION) {
                    return Mono.empty();
                }
                int from = version.intValue();
                return Flux.range(from + 1, SCHEMA_VERSION - from)
                    .concatMap(target -> applyMigration(c, target))
                    .then();
            });
    }

    /** Applies one schema version in its own transaction, with the row that records it. */
    private static Mono<Void> applyMigration(Connection c, int target) {
        List<String> statements = new ArrayList<>(Schema.migration(target));
        statements.add("INSERT INTO schema_version (version) VALUES (" + target + ")");
        return Mono.from(c.beginTransaction())
            .thenMany(Flux.fromIterable(statements).concatMap(sql -> Flux.from(c.createStatement(sql)
                .execute()).flatMap(r -> r.getRowsUpdated())))
            .then(Mono.from(c.commitTransaction()))
            .doOnSuccess(v -> LOG.info("store schema migrated to version {}", target))
            .onErrorResume(e -> Mono.from(c.rollbackTransaction()).onErrorResume(x -> Mono.empty())
                .then(Mono.error(e)));
    }

    /** head, oldest retained, purged through. */
    private static Mono<long[]> loadState(Connection c) {
        return queryLong(c, "SELECT value FROM meta WHERE key = 'head_seq'")
            .zipWith(queryLong(c, "SELECT value FROM meta WHERE key = 'purged_through'"))
            .flatMap(hp -> queryLong(c, "SELECT COALESCE(MAX(seq), 0) FROM events").flatMap(max ->
                queryLong(c, "SELECT COALESCE(MIN(seq), 0) FROM events").map(min -> {
                    long head = Math.max(hp.getT1(), max);
                    long oldest = min == 0 ? head + 1 : min;
                    return new long[] {head, oldest, hp.getT2()};
                })));
    }

    private static Mono<Long> queryLong(Connection c, String sql) {
        return Flux.from(c.createStatement(sql).execute())
            .flatMap(r -> r.map(row -> {
                Number n = row.get(0, Number.class);
                return n == null ? 0L : n.longValue();
            }))
            .next()
            .defaultIfEmpty(0L);
    }

    private Mono<Void> loadIdempotencyKeys() {
        long since = clock.millis() - idempotencyWindow.toMillis();
        return Flux.from(writer.createStatement(KEYED_SINCE).bind(0, since).execute())
            .flatMap(r -> r.map(row -> new Object[] {toEvent(row), row.get(5, String.class)}))
            .doOnNext(pair -> {
                Event event = (Event) pair[0];
                String key = (String) pair[1];
                idempotencyKeys.remember(key, event);
            })
            .then();
    }

    @Override
    public void setCommitListener(CommitListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    @SuppressWarnings("unchecked")
    public Mono<List<Event>> append(List<NewEvent> events) {
        return Mono.create(sink -> {
            if (closing) {
                sink.error(new IllegalStateException("the event log is closing"));
                return;
            }
            // Serialized here, on the publisher's thread: the writer thread is the one that cannot scale. A
            // published event's data is already its text; only a tree built by the gateway is encoded.
            try {
                encodeData(events);
            } catch (UncheckedIOException e) {
                sink.error(e);
                return;
            }
            queue.offer(new Pending(null, events, (MonoSink<Object>) (MonoSink<?>) sink));
            kick();
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> Mono<R> transact(StateChange<R> change) {
        Objects.requireNonNull(change, "change");
        return Mono.create(sink -> {
            if (closing) {
                sink.error(new IllegalStateException("the event log is closing"));
                return;
            }
            queue.offer(new Pending(change, List.of(), (MonoSink<Object>) (MonoSink<?>) sink));
            kick();
        });
    }

    /** Makes each event's data text now (kept by its {@link EventData}), so the writer only binds it. */
    private static void encodeData(List<NewEvent> events) {
        for (NewEvent event : events) {
            event.eventData().json();
        }
    }

    /** Starts the writer loop unless it runs; it keeps running while work is queued. */
    private void kick() {
        if (running.compareAndSet(false, true)) {
            writeNext();
        }
    }

    private boolean hasWork() {
        return !queue.isEmpty() || purgeDue;
    }

    /**
     * One step of the writer loop: a batch of appends, or a retention chunk, then the next step. Retention takes a
     * moment with nothing queued, so it rarely delays an append. Under a load that never lets the queue empty it
     * would never run and the table would grow past retention for as long as the load lasts; so once it has waited
     * {@link #PURGE_STARVATION_NANOS}, or while it has a backlog to work off, it takes every other step (a chunk
     * costs about 20 ms on the schema of migration 3).
     */
    private void writeNext() {
        Mono<Void> step;
        if (purgeDue && (queue.isEmpty() || purgeTakesTurn())) {
            purgeDue = false;
            lastStepPurged = true;
            step = purge();
        } else {
            lastStepPurged = false;
            List<Pending> batch = nextBatch();
            step = batch.isEmpty() ? Mono.empty() : commit(batch);
        }
        step.subscribe(null, error -> afterStep(), this::afterStep);
    }

    /** Whether retention, due while appends wait, takes this step (see {@link #writeNext}). */
    private boolean purgeTakesTurn() {
        if (lastStepPurged) {
            return false;
        }
        long now = System.nanoTime();
        if (purgeDueSince == 0) {
            purgeDueSince = now;
        }
        return purgeBacklog || now - purgeDueSince > PURGE_STARVATION_NANOS;
    }

    /** What is queued, in order, up to {@link #MAX_BATCH_EVENTS} events (a state change weighs one). */
    private List<Pending> nextBatch() {
        List<Pending> batch = new ArrayList<>();
        int events = 0;
        Pending next;
        while (events < MAX_BATCH_EVENTS && (next = queue.peek()) != null) {
            int weight = next.change != null ? 1 : next.events.size();
            if (!batch.isEmpty() && events + weight > MAX_BATCH_EVENTS) {
                break;
            }
            queue.poll();
            batch.add(next);
            events += weight;
        }
        return batch;
    }

    private void afterStep() {
        if (hasWork()) {
            writeNext();
            return;
        }
        running.set(false);
        // Work queued after the check above but before the flag was cleared would wait for the next kick.
        if (hasWork() && running.compareAndSet(false, true)) {
            writeNext();
        } else if (closing && queue.isEmpty()) {
            drained.tryEmitEmpty();
        }
    }

    private Mono<Void> commit(List<Pending> queued) {
        long started = System.nanoTime();
        Instant now = clock.instant();
        idempotencyKeys.expire(now);
        // Plans run first, in queue order, each seeing the state the ones before it left; a refused change
        // leaves the batch at once.
        List<Planned> batch = new ArrayList<>(queued.size());
        List<StateChange.StateWrite> writes = new ArrayList<>();
        for (Pending pending : queued) {
            Planned planned = plan(pending, now);
            if (planned != null) {
                batch.add(planned);
                if (planned.plan != null) {
                    writes.addAll(planned.plan.writes());
                }
            }
        }
        long seq = head;
        List<Event> committed = new ArrayList<>();
        List<String> newKeys = new ArrayList<>();
        Statement insert = writer.createStatement("INSERT INTO events (seq, topic, event_type, ts, data,"
            + " idempotency_key) VALUES (?, ?, ?, ?, ?, ?)");
        for (Planned planned : batch) {
            for (int i = 0; i < planned.events.size(); i++) {
                NewEvent draft = planned.events.get(i);
                String key = draft.idempotencyKey();
                Event original = key == null ? null : idempotencyKeys.find(key);
                if (original != null) {
                    planned.result.add(original);
                    continue;
                }
                // The event holds its data as the text stored in the row, not the publisher's tree (a WebSocket
                // publish, a domain event): the decoded tail keeps the newest events for replays, and a tree
                // there was about 1.2 KB per event that every young collection copied (docs/BENCHMARKS.md).
                String data = draft.eventData().json();
                Event event = new Event(++seq, draft.topic(), draft.eventType(), now, EventData.ofJson(data));
                if (!committed.isEmpty()) {
                    insert.add();
                }
                insert.bind(0, event.seq()).bind(1, event.topic().value()).bind(2, event.eventType())
                    .bind(3, now.toEpochMilli()).bind(4, data);
                if (key == null) {
                    insert.bindNull(5, String.class);
                } else {
                    insert.bind(5, key);
                    idempotencyKeys.remember(key, event);
                    newKeys.add(key);
                }
                committed.add(event);
                planned.result.add(event);
            }
        }
        if (committed.isEmpty() && writes.isEmpty()) {
            batch.forEach(Planned::succeed);
            return Mono.empty();
        }
        long newHead = seq;
        Mono<Void> work = Flux.fromIterable(writes).concatMap(this::execute).then();
        if (!committed.isEmpty()) {
            work = work
                .then(Flux.from(insert.execute()).flatMap(r -> r.getRowsUpdated()).then())
                .then(Flux.from(writer.createStatement("UPDATE meta SET value = ? WHERE key = 'head_seq'")
                    .bind(0, newHead).execute()).flatMap(r -> r.getRowsUpdated()).then());
        }
        Mono<Void> write = Mono.from(writer.beginTransaction())
            .then(work)
            .then(Mono.from(writer.commitTransaction()));
        return write
            .doOnSuccess(v -> {
                if (!committed.isEmpty()) {
                    // The cache first, the head second: a reader that sees the new head finds its events cached.
                    for (Event event : committed) {
                        recent[(int) (event.seq() % RECENT_CAPACITY)] = event;
                    }
                    head = newHead;
                    if (oldest > newHead) {
                        oldest = committed.get(0).seq();
                    }
                    // Subscribers hear of the events only now, after commit, and in seq order (one writer loop).
                    listener.onCommit(List.copyOf(committed));
                }
                recorder.committed(committed.size(), System.nanoTime() - started);
                batch.forEach(Planned::succeed);
            })
            .onErrorResume(error -> {
                newKeys.forEach(idempotencyKeys::forget);
                recorder.commitFailed(committed.size());
                LOG.warn("event log append of {} events and {} state writes failed: {}", committed.size(),
                    writes.size(), error.toString());
                return Mono.from(writer.rollbackTransaction()).onErrorResume(x -> Mono.empty())
                    .then(Mono.fromRunnable(() -> {
                        // Newest plan first: each undo finds the state its own plan left.
                        for (int i = batch.size() - 1; i >= 0; i--) {
                            batch.get(i).undo();
                        }
                        batch.forEach(p -> p.sink.error(error));
                    }));
            });
    }

    /** Runs a change's plan (null when it refused, its sink already failed); an append needs no plan. */
    private static @Nullable Planned plan(Pending pending, Instant now) {
        if (pending.change == null) {
            return new Planned(null, pending.events, pending.sink);
        }
        StateChange.Plan<?> plan;
        try {
            plan = pending.change.plan(now);
        } catch (RuntimeException e) {
            pending.sink.error(e);
            return null;
        }
        try {
            encodeData(plan.events());
            return new Planned(plan, plan.events(), pending.sink);
        } catch (RuntimeException e) {
            plan.undo().run();
            pending.sink.error(e);
            return null;
        }
    }

    private Flux<Long> execute(StateChange.StateWrite write) {
        Statement statement = writer.createStatement(write.sql());
        List<Object> binds = write.binds();
        for (int i = 0; i < binds.size(); i++) {
            Object value = binds.get(i);
            if (value == null) {
                statement.bindNull(i, String.class);
            } else {
                statement.bind(i, value);
            }
        }
        return Flux.from(statement.execute()).flatMap(r -> r.getRowsUpdated());
    }

    /** Deletes at most one chunk of what retention no longer keeps. */
    private Mono<Void> purge() {
        purgeDueSince = 0;
        purgeBacklog = false;
        long from = Math.max(purgedThrough, oldest - 1);
        long window = Math.min(head, from + PURGE_CHUNK);
        long byCount = head - retentionEvents;
        return agedThrough(from, window).flatMap(byAge -> {
            long target = Math.max(byCount, byAge);
            long chunkEnd = Math.min(target, window);
            if (chunkEnd <= purgedThrough || chunkEnd < oldest) {
                return Mono.empty();
            }
            long end = chunkEnd;
            // A chunk old all through may be followed by more that retention by age no longer keeps.
            boolean more = end < byCount || byAge == window && window < head;
            return Mono.from(writer.beginTransaction())
                .then(Flux.from(writer.createStatement("DELETE FROM events WHERE seq <= ?").bind(0, end)
                    .execute()).flatMap(r -> r.getRowsUpdated()).then())
                .then(Flux.from(writer.createStatement("UPDATE meta SET value = ? WHERE key = 'purged_through'")
                    .bind(0, end).execute()).flatMap(r -> r.getRowsUpdated()).then())
                .then(Mono.from(writer.commitTransaction()))
                .then(queryLong(writer, "SELECT COALESCE(MIN(seq), 0) FROM events"))
                .doOnNext(min -> {
                    purgedThrough = end;
                    oldest = min == 0 ? head + 1 : min;
                    if (more) {
                        purgeBacklog = true;
                        purgeDue = true;
                    }
                })
                .then()
                .onErrorResume(error -> {
                    LOG.warn("event log retention failed: {}", error.toString());
                    return Mono.from(writer.rollbackTransaction()).onErrorResume(x -> Mono.empty());
                });
        });
    }

    /**
     * How far retention by age reaches in the window {@code (from, window]}: up to the first event there that is
     * younger than {@code store.retention-age}, or all of it. Events are stored in commit order with their commit's
     * time, so the old ones come first, and the search reads rows in seq order from the oldest, stopping at the
     * first young one: a single row when nothing is due, never more than a chunk. (An index on {@code ts} served
     * this before and cost every append and delete its upkeep: {@link Schema}, version 3.)
     */
    private Mono<Long> agedThrough(long from, long window) {
        if (window <= from) {
            return Mono.just(0L);
        }
        long cutoff = clock.millis() - retentionAge.toMillis();
        return Flux.from(writer.createStatement("SELECT seq FROM events WHERE seq > ? AND seq <= ? AND ts >= ?"
                    + " ORDER BY seq LIMIT 1").bind(0, from).bind(1, window).bind(2, cutoff).execute())
            .flatMap(r -> r.map(row -> Objects.requireNonNull(row.get(0, Long.class), "seq") - 1))
            .next()
            .defaultIfEmpty(window);
    }

    @Override
    public Flux<Event> read(EventQuery query) {
        return Flux.defer(() -> query.select(head, (from, to) -> {
            List<Event> cached = cached(from, to);
            return cached != null ? Flux.fromIterable(cached) : page(from, to);
        }));
    }

    /**
     * The events of (since, until] from the cache, copied at once (the writer may overwrite slots while a slow
     * replay waits for demand), or null when the cache does not hold all of them. Events are immutable, so a slot
     * read without a lock is either a whole event or a stale one, and the seq check tells which.
     */
    private @Nullable List<Event> cached(long since, long until) {
        long count = until - since;
        if (count > RECENT_CAPACITY || since < purgedThrough) {
            return null;
        }
        List<Event> copy = new ArrayList<>((int) count);
        for (long seq = since + 1; seq <= until; seq++) {
            Event event = recent[(int) (seq % RECENT_CAPACITY)];
            if (event == null || event.seq() != seq) {
                return null;
            }
            copy.add(event);
        }
        return copy;
    }

    /** The events of (after, until], page by page: the next page is read only when this one was consumed. */
    private Flux<Event> page(long after, long until) {
        return Flux.from(reader.createStatement("SELECT seq, topic, event_type, ts, data FROM events"
                    + " WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT " + READ_PAGE)
                .bind(0, after).bind(1, until).execute())
            .concatMap(r -> r.map(R2dbcEventLog::toEvent))
            .collectList()
            .flatMapMany(events -> {
                if (events.size() < READ_PAGE) {
                    return Flux.fromIterable(events);
                }
                long last = events.get(events.size() - 1).seq();
                return Flux.fromIterable(events).concatWith(Flux.defer(() -> page(last, until)));
            });
    }

    private static Event toEvent(Readable row) {
        long seq = Objects.requireNonNull(row.get(0, Long.class), "seq");
        String topic = Objects.requireNonNull(row.get(1, String.class), "topic");
        String type = Objects.requireNonNull(row.get(2, String.class), "event_type");
        long ts = Objects.requireNonNull(row.get(3, Long.class), "ts");
        String data = Objects.requireNonNull(row.get(4, String.class), "data");
        // Kept as the text it was stored as (always a JSON object, checked when it was published): a replay writes
        // it into frames as it is, and only a subscription with filters reads it into a tree.
        return new Event(seq, Topic.parse(topic), type, Instant.ofEpochMilli(ts), EventData.ofJson(data));
    }

    @Override
    public <T> Flux<T> load(String sql, Function<Readable, T> mapper, Object... binds) {
        return Flux.defer(() -> {
            Statement statement = reader.createStatement(sql);
            for (int i = 0; i < binds.length; i++) {
                statement.bind(i, binds[i]);
            }
            return Flux.from(statement.execute()).concatMap(r -> r.map(mapper::apply));
        });
    }

    @Override
    public long headSeq() {
        return head;
    }

    @Override
    public long oldestSeq() {
        return oldest;
    }

    @Override
    public long purgedThrough() {
        return purgedThrough;
    }

    @Override
    public Mono<Boolean> healthy() {
        if (closing) {
            return Mono.just(false);
        }
        return queryLong(reader, "SELECT 1").map(one -> one == 1L).timeout(Duration.ofSeconds(2), timer)
            .onErrorReturn(false);
    }

    @Override
    public Mono<Void> disposeLater() {
        return Mono.defer(() -> {
            if (!closing) {
                closing = true;
                retentionTimer.dispose();
                purgeDue = false;
                if (!running.get() && queue.isEmpty()) {
                    drained.tryEmitEmpty();
                } else {
                    kick();
                }
            }
            return drained.asMono()
                .timeout(Duration.ofSeconds(30), timer)
                .onErrorResume(e -> Mono.empty())
                .then(Mono.from(writer.close()).onErrorResume(e -> Mono.empty()))
                .then(Mono.from(reader.close()).onErrorResume(e -> Mono.empty()));
        });
    }

    @Override
    public boolean isDisposed() {
        return closing;
    }

    /** An append (change null, its data already text) or a state change (planned on the writer) waiting to commit. */
    private record Pending(@Nullable StateChange<?> change, List<NewEvent> events, MonoSink<Object> sink) {
    }

    /** A queued item of the batch being committed, with its stored events as they are assigned. */
    private static final class Planned {
        final StateChange.@Nullable Plan<?> plan;
        final List<NewEvent> events;
        final MonoSink<Object> sink;
        final List<Event> result;

        Planned(StateChange.@Nullable Plan<?> plan, List<NewEvent> events, MonoSink<Object> sink) {
            this.plan = plan;
            this.events = events;
            this.sink = sink;
            this.result = new ArrayList<>(events.size());
        }

        void succeed() {
            if (plan == null) {
                sink.success(result);
                return;
            }
            Object answer;
            try {
                answer = plan.result().apply(result);
            } catch (RuntimeException e) {
                sink.error(e);
                return;
            }
            sink.success(answer);
        }

        void undo() {
            if (plan != null) {
                plan.undo().run();
            }
        }
    }
}
