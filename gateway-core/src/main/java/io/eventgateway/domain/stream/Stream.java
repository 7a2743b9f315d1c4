package io.eventgateway.domain.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.state.Values;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A stream: its name, the times of its life, and its tasks' counts by status. Immutable.
 *
 * @param streamId its id, also the id of its topic {@code stream:{streamId}}
 * @param streamName its name
 * @param createdAt when it was created
 * @param startedAt when a task of it first went {@code in_progress} ({@code stream.started}), or null
 * @param completedAt when all its work was last completed ({@code stream.completed}), null while it is not
 * @param lastUpdated when its progress last changed
 * @param counts its tasks by status
 */
public record Stream(String streamId, String streamName, Instant createdAt, @Nullable Instant startedAt,
                     @Nullable Instant completedAt, Instant lastUpdated, StatusCounts counts) {

    /** Validates that no required component is missing. */
    public Stream {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(streamName, "streamName");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastUpdated, "lastUpdated");
        Objects.requireNonNull(counts, "counts");
    }

    /**
     * The seed design's {@code StreamProgressData}, plus the counts it leaves out ({@code pendingTasks},
     * {@code failedTasks}, {@code cancelledTasks}): the {@code data} of {@code stream.progress}.
     *
     * @return a new JSON object
     */
    public ObjectNode progressJson() {
        ObjectNode node = Values.object();
        node.put("streamId", streamId);
        node.put("streamName", streamName);
        node.put("totalTasks", counts.totalTasks());
        node.put("completedTasks", counts.completed());
        node.put("inProgressTasks", counts.inProgress());
        node.put("blockedTasks", counts.blocked());
        node.put("pendingTasks", counts.pending());
        node.put("failedTasks", counts.failed());
        node.put("cancelledTasks", counts.cancelled());
        node.put("progressPercentage", counts.progressPercentage());
        Values.putTime(node, "lastUpdated", lastUpdated);
        return node;
    }
}
