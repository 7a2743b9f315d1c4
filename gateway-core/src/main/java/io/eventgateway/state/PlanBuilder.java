package io.eventgateway.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.event.Event;
import io.eventgateway.event.NewEvent;
import io.eventgateway.log.StateChange;
import io.eventgateway.topic.Topic;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Collects what one {@link StateChange} plans: the rows it writes, the events it appends, and how to undo each change
 * it made to in-memory state. Every in-memory change goes through {@link #put}, {@link #remove}, {@link #add} or
 * {@link #onUndo}, so {@link #undo()} can revert exactly what was changed, newest first, whether the plan itself
 * failed half-way or the transaction failed after it.
 *
 * <p>Used on the log's writer only (one plan at a time), so it needs no synchronization of its own; the maps it
 * changes are concurrent, so request threads read them at any time.
 */
public final class PlanBuilder {

    private final List<StateChange.StateWrite> writes = new ArrayList<>();
    private final List<NewEvent> events = new ArrayList<>();
    private final List<Runnable> undos = new ArrayList<>();

    private PlanBuilder() {
    }

    /**
     * The body of a state change: validates against in-memory state (throwing a
     * {@link io.eventgateway.error.GatewayException} to refuse), changes it through the builder, and says how to
     * answer from the committed events.
     *
     * @param <R> the answer's type
     */
    @FunctionalInterface
    public interface Body<R> {
        /**
         * Plans the change.
         *
         * @param now the commit time, truncated to milliseconds (the precision stored and sent)
         * @param plan collects writes, events and undo steps
         * @return builds the answer from the committed events
         */
        Function<List<Event>, R> plan(Instant now, PlanBuilder plan);
    }

    /**
     * A state change from a body. When the body throws, whatever it had already changed in memory is undone before
     * the exception leaves, so a refused change leaves no trace. The body and the undo each run as one write of the
     * seqlock, so readers see all of a change or none of it.
     *
     * @param seqlock the seqlock of the state the body changes
     * @param body the body
     * @param <R> the answer's type
     * @return the change, for {@link io.eventgateway.log.EventLog#transact}
     */
    public static <R> StateChange<R> change(Seqlock seqlock, Body<R> body) {
        return now -> {
            PlanBuilder plan = new PlanBuilder();
            Function<List<Event>, R> result;
            seqlock.beginWrite();
            try {
                result = body.plan(now.truncatedTo(ChronoUnit.MILLIS), plan);
            } catch (RuntimeException | Error e) {
                plan.undo();
                throw e;
            } finally {
                seqlock.endWrite();
            }
            return new StateChange.Plan<>(plan.writes, plan.events, result, () -> {
                seqlock.beginWrite();
                try {
                    plan.undo();
                } finally {
                    seqlock.endWrite();
                }
            });
        };
    }

    /**
     * Adds a statement to the transaction.
     *
     * @param sql the statement with positional parameters
     * @param binds its parameters (String, Long, Integer, Double, Boolean or null)
     */
    public void write(String sql, Object... binds) {
        writes.add(StateChange.StateWrite.of(sql, binds));
    }

    /**
     * Adds an event to append with the change.
     *
     * @param topic the concrete topic, e.g. {@code task:T-1}
     * @param eventType the type, e.g. {@code task.updated}
     * @param data the payload; not modified afterwards
     */
    public void event(String topic, String eventType, ObjectNode data) {
        events.add(new NewEvent(Topic.parse(topic), eventType, data));
    }

    /**
     * Puts a value into a map, to be reverted on undo.
     *
     * @param map the map
     * @param key the key
     * @param value the new value
     * @param <K> the key type
     * @param <V> the value type
     */
    public <K, V> void put(Map<K, V> map, K key, V value) {
        V old = map.put(key, value);
        undos.add(() -> {
            if (old == null) {
                map.remove(key);
            } else {
                map.put(key, old);
            }
        });
    }

    /**
     * Removes a key from a map, to be put back on undo.
     *
     * @param map the map
     * @param key the key
     * @param <K> the key type
     * @param <V> the value type
     */
    public <K, V> void remove(Map<K, V> map, K key) {
        V old = map.remove(key);
        if (old != null) {
            undos.add(() -> map.put(key, old));
        }
    }

    /**
     * Adds an element to a set, to be removed on undo (when it was not there before).
     *
     * @param set the set
     * @param element the element
     * @param <E> the element type
     */
    public <E> void add(Set<E> set, E element) {
        if (set.add(element)) {
            undos.add(() -> set.remove(element));
        }
    }

    /**
     * Removes an element from a set, to be added back on undo (when it was there).
     *
     * @param set the set
     * @param element the element
     * @param <E> the element type
     */
    public <E> void remove(Set<E> set, E element) {
        if (set.remove(element)) {
            undos.add(() -> set.add(element));
        }
    }

    /**
     * Registers a custom undo step, run in reverse order with the others.
     *
     * @param step the step
     */
    public void onUndo(Runnable step) {
        undos.add(step);
    }

    /** Reverts every in-memory change, newest first; idempotent. */
    private void undo() {
        for (int i = undos.size() - 1; i >= 0; i--) {
            undos.get(i).run();
        }
        undos.clear();
    }
}
