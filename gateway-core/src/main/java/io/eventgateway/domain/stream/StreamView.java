package io.eventgateway.domain.stream;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.domain.task.Task;
import io.eventgateway.state.Values;
import java.util.List;
import java.util.Objects;

/**
 * A stream as {@code GET /api/streams} answers it: its progress, the times of its life, the ids of its blocked
 * tasks, and its tasks ({@code taskList}, oldest first, cancelled ones included).
 *
 * @param stream the stream
 * @param tasks its tasks
 * @param blockedTaskIds the ids of its blocked tasks, sorted
 */
public record StreamView(Stream stream, List<Task> tasks, List<String> blockedTaskIds) {

    /** Copies the lists. */
    public StreamView {
        Objects.requireNonNull(stream, "stream");
        tasks = List.copyOf(tasks);
        blockedTaskIds = List.copyOf(blockedTaskIds);
    }

    /**
     * The JSON answer.
     *
     * @return a new JSON object
     */
    public ObjectNode toJson() {
        ObjectNode node = stream.progressJson();
        Values.putTime(node, "createdAt", stream.createdAt());
        Values.putTime(node, "startedAt", stream.startedAt());
        Values.putTime(node, "completedAt", stream.completedAt());
        ArrayNode blocked = node.putArray("blockedTaskIds");
        blockedTaskIds.forEach(blocked::add);
        ArrayNode list = node.putArray("taskList");
        for (Task task : tasks) {
            list.add(task.toJson());
        }
        return node;
    }
}
