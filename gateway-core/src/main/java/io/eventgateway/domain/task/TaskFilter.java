package io.eventgateway.domain.task;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The query of {@code GET /api/tasks?status=&streamId=&assignedAgent=}: every condition given must hold.
 *
 * @param statuses the statuses to keep (any of); empty keeps every status
 * @param streamId the stream to keep, or null for any
 * @param assignedAgent the agent to keep, or null for any
 */
public record TaskFilter(Set<TaskStatus> statuses, @Nullable String streamId, @Nullable String assignedAgent) {

    /** A filter that keeps every task. */
    public static final TaskFilter ALL = new TaskFilter(Set.of(), null, null);

    /** Copies the set. */
    public TaskFilter {
        Objects.requireNonNull(statuses, "statuses");
        statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
    }

    /**
     * Whether a task passes.
     *
     * @param task the task
     * @return true when every condition holds
     */
    public boolean test(Task task) {
        return (statuses.isEmpty() || statuses.contains(task.status()))
            && (streamId == null || streamId.equals(task.streamId()))
            && (assignedAgent == null || assignedAgent.equals(task.assignedAgent()));
    }
}
