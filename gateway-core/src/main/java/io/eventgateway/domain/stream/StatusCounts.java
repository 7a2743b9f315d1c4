package io.eventgateway.domain.stream;

import io.eventgateway.domain.task.TaskStatus;

/**
 * How many tasks of a stream are in each status. {@link #totalTasks()} leaves cancelled tasks out: a cancelled
 * task is no longer work of its stream, so it neither holds back nor counts toward completion; a failed task does
 * count (the stream is not done until it is retried and completed, or cancelled).
 *
 * @param pending tasks {@code pending}
 * @param inProgress tasks {@code in_progress}
 * @param blocked tasks {@code blocked}
 * @param completed tasks {@code completed}
 * @param failed tasks {@code failed}
 * @param cancelled tasks {@code cancelled}
 */
public record StatusCounts(int pending, int inProgress, int blocked, int completed, int failed, int cancelled) {

    /** No tasks. */
    public static final StatusCounts NONE = new StatusCounts(0, 0, 0, 0, 0, 0);

    /**
     * The counts with one status changed by a delta.
     *
     * @param status the status
     * @param delta +1 for a task that enters, -1 for one that leaves
     * @return the new counts
     */
    public StatusCounts plus(TaskStatus status, int delta) {
        switch (status) {
            case PENDING:
                return new StatusCounts(pending + delta, inProgress, blocked, completed, failed, cancelled);
            case IN_PROGRESS:
                return new StatusCounts(pending, inProgress + delta, blocked, completed, failed, cancelled);
            case BLOCKED:
                return new StatusCounts(pending, inProgress, blocked + delta, completed, failed, cancelled);
            case COMPLETED:
                return new StatusCounts(pending, inProgress, blocked, completed + delta, failed, cancelled);
            case FAILED:
                return new StatusCounts(pending, inProgress, blocked, completed, failed + delta, cancelled);
            case CANCELLED:
                return new StatusCounts(pending, inProgress, blocked, completed, failed, cancelled + delta);
            default:
                throw new IllegalStateException("unknown status " + status);
        }
    }

    /**
     * The stream's work: every task except the cancelled ones.
     *
     * @return the count
     */
    public int totalTasks() {
        return pending + inProgress + blocked + completed + failed;
    }

    /**
     * {@code completedTasks / totalTasks * 100}, rounded to two decimals; 0 when there is no work.
     *
     * @return the percentage
     */
    public double progressPercentage() {
        int total = totalTasks();
        return total == 0 ? 0.0 : Math.round(completed * 10_000.0 / total) / 100.0;
    }

    /**
     * Whether every task of the stream's work is completed (and there is some).
     *
     * @return true when complete
     */
    public boolean complete() {
        int total = totalTasks();
        return total > 0 && completed == total;
    }
}
