package io.eventgateway.domain.task;

import io.eventgateway.state.PlanBuilder;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Hears of every task change inside the change's own plan, on the log's writer (the streams: a task's stream
 * progress commits with the task). Implementations must not block.
 */
public interface TaskObserver {

    /** An observer that checks nothing and does nothing. */
    TaskObserver NONE = new TaskObserver() {
        @Override
        public void check(Task task) {
        }

        @Override
        public void changed(@Nullable Task before, Task after, Instant now, PlanBuilder plan) {
        }

        @Override
        public void loaded(Task task) {
        }
    };

    /**
     * Checks the references of a task about to be stored, refusing with a
     * {@link io.eventgateway.error.GatewayException} (an unknown stream: 404).
     *
     * @param task the task as it will be
     */
    void check(Task task);

    /**
     * A task was created ({@code before} null) or changed; adds the observer's own writes, events and in-memory
     * changes to the same plan, after the task's events.
     *
     * @param before the task before, or null when it was created
     * @param after the task after
     * @param now the change's time
     * @param plan the plan being built
     */
    void changed(@Nullable Task before, Task after, Instant now, PlanBuilder plan);

    /**
     * A task was loaded from the store at start (before any change).
     *
     * @param task the task
     */
    void loaded(Task task);
}
