package io.eventgateway.log;

import io.eventgateway.event.Event;
import io.eventgateway.event.NewEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The in-memory {@link EventLog}: a concurrent skip list keyed by {@code seq}. Appends are serialized by one
 * lock (they are cheap: no I/O), which also keeps commit-listener calls in {@code seq} order; reads need no
 * lock. Retention by count and age is applied on each append.
 */
final class InMemoryEventLog implements EventLog {

    private final Clock clock;
    private final long retentionEvents;
    private final Duration retentionAge;
    private final ConcurrentSkipListMap<Long, Event> events = new ConcurrentSkipListMap<>();
    private final IdempotencyKeys idempotencyKeys;
    private final Object lock = new Object();
    private volatile CommitListener listener = CommitListener.NONE;
    /** Guarded by lock: the number of events held (ConcurrentSkipListMap.size() walks the whole map). */
    private long held;
    private volatile long head;
    private volatile long purgedThrough;
    private volatile boolean disposed;

    InMemoryEventLog(Clock clock, long retentionEvents, Duration retentionAge, Duration idempotencyWindow) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retentionEvents = retentionEvents;
        this.retentionAge = Objects.requireNonNull(retentionAge, "retentionAge");
        this.idempotencyKeys = new IdempotencyKeys(Objects.requireNonNull(idempotencyWindow, "idempotencyWindow"));
    }

    @Override
    public void setCommitListener(CommitListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public Mono<List<Event>> append(List<NewEvent> batch) {
        return Mono.fromCallable(() -> appendNow(batch));
    }

    @Override
    public <R> Mono<R> transact(StateChange<R> change) {
        Objects.requireNonNull(change, "change");
        return Mono.fromCallable(() -> {
            synchronized (lock) {
                if (disposed) {
                    throw new IllegalStateException("the event log is closed");
                }
                StateChange.Plan<R> plan = change.plan(clock.instant());
                List<Event> events;
                try {
                    events = appendNow(plan.events());
                } catch (RuntimeException e) {
                    plan.undo().run();
                    throw e;
                }
                return plan.result().apply(events);
            }
        });
    }

    private List<Event> appendNow(List<NewEvent> batch) {
        if (disposed) {
            throw new IllegalStateException("the event log is closed");
        }
        synchronized (lock) {
            Instant now = clock.instant();
            idempotencyKeys.expire(now);
            List<Event> result = new ArrayList<>(batch.size());
            List<Event> committed = new ArrayList<>(batch.size());
            long seq = head;
            for (NewEvent draft : batch) {
                String key = draft.idempotencyKey();
                Event original = key == null ? null : idempotencyKeys.find(key);
                if (original != null) {
                    result.add(original);
                    continue;
                }
                Event event = new Event(++seq, draft.topic(), draft.eventType(), now, draft.eventData());
                events.put(seq, event);
                held++;
                if (key != null) {
                    idempotencyKeys.remember(key, event);
                }
                result.add(event);
                committed.add(event);
            }
            head = seq;
            purge(now);
            if (!committed.isEmpty()) {
                listener.onCommit(List.copyOf(committed));
            }
            return result;
        }
    }

    private void purge(Instant now) {
        Instant oldestKept = now.minus(retentionAge);
        long purged = purgedThrough;
        while (!events.isEmpty()) {
            Map.Entry<Long, Event> first = events.firstEntry();
            boolean tooMany = held > retentionEvents;
            boolean tooOld = first.getValue().timestamp().isBefore(oldestKept);
            if (!tooMany && !tooOld) {
                break;
            }
            events.pollFirstEntry();
            held--;
            purged = first.getKey();
        }
        purgedThrough = purged;
    }

    @Override
    public Flux<Event> read(EventQuery query) {
        return Flux.defer(() -> query.select(head,
            (from, to) -> Flux.fromIterable(events.subMap(from, false, to, true).values())));
    }

    @Override
    public long headSeq() {
        return head;
    }

    @Override
    public long oldestSeq() {
        Map.Entry<Long, Event> first = events.firstEntry();
        return first == null ? head + 1 : first.getKey();
    }

    @Override
    public long purgedThrough() {
        return purgedThrough;
    }

    @Override
    public Mono<Boolean> healthy() {
        return Mono.fromSupplier(() -> !disposed);
    }

    @Override
    public Mono<Void> disposeLater() {
        return Mono.fromRunnable(() -> disposed = true);
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }
}
