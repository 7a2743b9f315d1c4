package io.eventgateway.log;

import io.eventgateway.event.Event;
import io.eventgateway.event.NewEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A change of state committed in one transaction with the events it causes (issue 4: "state and log never
 * disagree, even across a crash"). The log calls {@link #plan} on its writer, in commit order with every other
 * append, so a plan sees the effects of every change committed or planned before it and of none after it.
 *
 * <p>A plan may change the caller's in-memory state directly; it says how to undo that in {@link Plan#undo}, which
 * the log runs (newest plan first) when the transaction fails, so memory never shows a change the store lost.
 *
 * @param <R> what the change answers its caller, once committed
 */
@FunctionalInterface
public interface StateChange<R> {

    /**
     * Decides the change. Runs on the log's writer: it must not block or wait for anything. To refuse the change
     * (unknown id, conflict), throw {@link io.eventgateway.error.GatewayException}; nothing is written then and
     * the append fails with that exception.
     *
     * @param now the commit's time: the timestamp the events will carry
     * @return what to write and what to append
     */
    Plan<R> plan(Instant now);

    /**
     * The rows to write and the events to append, in one transaction.
     *
     * @param writes SQL statements run in the transaction before the events are inserted, in order; ignored by
     *     the in-memory log
     * @param events the events the change causes, appended in order (may be empty)
     * @param result builds the answer from the committed events (with their {@code seq}s), after commit
     * @param undo reverts what {@link #plan} changed in memory, when the transaction fails
     * @param <R> the answer's type
     */
    record Plan<R>(List<StateWrite> writes, List<NewEvent> events, Function<List<Event>, R> result, Runnable undo) {

        /** Validates that no component is missing, and copies the lists. */
        public Plan {
            writes = List.copyOf(Objects.requireNonNull(writes, "writes"));
            events = List.copyOf(Objects.requireNonNull(events, "events"));
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(undo, "undo");
        }
    }

    /**
     * One SQL statement with positional ({@code ?}) parameters.
     *
     * @param sql the statement
     * @param binds its parameters in order: {@code String}, {@code Long}, {@code Integer}, {@code Double},
     *     {@code Boolean}, or null (bound as SQL NULL)
     */
    record StateWrite(String sql, List<Object> binds) {

        /** Validates the statement and copies the parameters (which may contain nulls). */
        public StateWrite {
            Objects.requireNonNull(sql, "sql");
            binds = Collections.unmodifiableList(new ArrayList<>(binds));
        }

        /**
         * A statement with its parameters.
         *
         * @param sql the statement
         * @param binds its parameters, nulls allowed
         * @return the write
         */
        public static StateWrite of(String sql, Object... binds) {
            return new StateWrite(sql, Arrays.asList(binds));
        }
    }
}
