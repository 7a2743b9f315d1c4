package io.eventgateway.log;

import io.eventgateway.event.Event;
import io.eventgateway.event.NewEvent;
import java.time.Clock;
import java.time.Duration;
import io.r2dbc.spi.ConnectionFactory;
import java.util.List;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The gateway's event log (PROTOCOL.md section 7 point 5): every published event is appended here, gets its
 * {@code seq}, and is durable before any subscriber or the publisher hears of it.
 *
 * <p>Contract, checked by {@code AbstractEventLogContractTest} for every implementation:
 * <ul>
 *   <li>{@link #append} assigns each event a {@code seq} greater than every earlier one, in list order, and
 *       completes once the events are durable (for the in-memory log: stored);</li>
 *   <li>the {@link CommitListener} sees every committed batch exactly once, in {@code seq} order, before
 *       {@link #append} completes;</li>
 *   <li>an event with an idempotency key seen within the window is not appended again: the original event is
 *       returned in its place;</li>
 *   <li>{@link #read} returns the retained events of a range in increasing {@code seq}, and fails rather than
 *       skip an event of the range that was purged.</li>
 * </ul>
 */
public interface EventLog extends Disposable {

    /**
     * Creates the in-memory log (for tests and {@code store.url=memory:}): nothing survives a restart.
     *
     * @param clock the clock that stamps events and drives retention by age
     * @param retentionEvents the newest events kept
     * @param retentionAge the oldest age kept
     * @param idempotencyWindow how long an idempotency key is remembered
     * @return a new log
     */
    static EventLog inMemory(Clock clock, long retentionEvents, Duration retentionAge, Duration idempotencyWindow) {
        return new InMemoryEventLog(clock, retentionEvents, retentionAge, idempotencyWindow);
    }

    /**
     * Opens the durable log on an R2DBC connection factory (SQLite by default, {@code r2dbc:sqlite:PATH}): applies
     * the schema migrations, and fails with a message naming the problem when the store cannot be used (not a
     * database, read-only, a newer schema than this build knows).
     *
     * @param factory the connection factory; the log opens two connections, a writer and a reader
     * @param clock the clock that stamps events and drives retention by age
     * @param retentionEvents the newest events kept
     * @param retentionAge the oldest age kept
     * @param idempotencyWindow how long an idempotency key is remembered
     * @param timer runs the retention tick
     * @return the log, once open
     */
    static Mono<EventLog> r2dbc(ConnectionFactory factory, Clock clock, long retentionEvents,
                                Duration retentionAge, Duration idempotencyWindow,
                                Scheduler timer) {
        return r2dbc(factory, clock, retentionEvents, retentionAge, idempotencyWindow, timer, LogRecorder.NOOP);
    }

    /**
     * Opens the durable log, as {@link #r2dbc(ConnectionFactory, Clock, long, Duration, Duration, Scheduler)}, with a
     * recorder that hears of every group commit (its size and duration) and every failed one.
     *
     * @param factory the connection factory; the log opens two connections, a writer and a reader
     * @param clock the clock that stamps events and drives retention by age
     * @param retentionEvents the newest events kept
     * @param retentionAge the oldest age kept
     * @param idempotencyWindow how long an idempotency key is remembered
     * @param timer runs the retention tick
     * @param recorder called on the writer once per group commit (default {@link LogRecorder#NOOP})
     * @return the log, once open
     */
    static Mono<EventLog> r2dbc(ConnectionFactory factory, Clock clock, long retentionEvents,
                                Duration retentionAge, Duration idempotencyWindow,
                                Scheduler timer, LogRecorder recorder) {
        return R2dbcEventLog.open(factory, clock, retentionEvents, retentionAge, idempotencyWindow, timer, recorder);
    }

    /**
     * Sets the one listener of committed batches. Call before the first append.
     *
     * @param listener the listener (the hub)
     */
    void setCommitListener(CommitListener listener);

    /**
     * Appends events atomically and in order.
     *
     * @param events the events, at least one
     * @return the stored events (with {@code seq} and timestamp), in the order given, once durable
     */
    Mono<List<Event>> append(List<NewEvent> events);

    /**
     * Commits a change of state and the events it causes in one transaction, in order with every other append:
     * see {@link StateChange}. The events reach subscribers only after commit, like appended ones.
     *
     * @param change the change; planned on the log's writer
     * @param <R> the change's answer
     * @return the answer, once committed; the plan's exception when it refused; the store's error when the
     *     transaction failed (the plan's undo has then run)
     */
    <R> Mono<R> transact(StateChange<R> change);

    /**
     * Reads a range of retained events. The range must start at or above {@link #purgedThrough()}: every seq of
     * it is read (whatever the patterns select), and one that retention purged before the read reached it fails
     * the read with {@link EventsPurgedException} instead of being skipped ({@link EventQuery#select}).
     *
     * @param query the range, patterns and limit
     * @return the events in increasing {@code seq}; honours back-pressure and cancellation
     */
    Flux<Event> read(EventQuery query);

    /**
     * The highest {@code seq} committed so far.
     *
     * @return the head, 0 when nothing was ever appended
     */
    long headSeq();

    /**
     * The lowest retained {@code seq}.
     *
     * @return the oldest retained seq, or {@code headSeq() + 1} when nothing is retained
     */
    long oldestSeq();

    /**
     * The highest {@code seq} retention has purged.
     *
     * @return that seq, 0 when nothing was ever purged: every event with a greater seq is still retained
     */
    long purgedThrough();

    /**
     * Whether the store answers (for {@code /health}).
     *
     * @return true when healthy
     */
    Mono<Boolean> healthy();

    /**
     * Flushes pending appends and releases the store; idempotent.
     *
     * @return completes when closed
     */
    Mono<Void> disposeLater();

    @Override
    default void dispose() {
        disposeLater().subscribe();
    }
}
