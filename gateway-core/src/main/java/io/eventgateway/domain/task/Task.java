package io.eventgateway.domain.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.state.Values;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A task (PROTOCOL.md section 8): {@code {id, title, status, streamId, assignedAgent, progress, metadata, createdAt,
 * updatedAt}}. Immutable: a change makes a new record ({@code metadata} is never modified once in a task).
 *
 * @param id its id, also the id of its topic {@code task:{id}}
 * @param title its title
 * @param status its status
 * @param streamId the stream it belongs to, or null
 * @param assignedAgent the agent working on it, or null
 * @param progress how far along it is, 0 to 100
 * @param metadata free-form JSON object
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 */
public record Task(String id, String title, TaskStatus status, @Nullable String streamId,
                   @Nullable String assignedAgent, double progress, ObjectNode metadata, Instant createdAt,
                   Instant updatedAt) {

    /** Validates that no required component is missing. */
    public Task {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /**
     * The task as the REST answers show it.
     *
     * @return a new JSON object
     */
    public ObjectNode toJson() {
        ObjectNode node = Values.object();
        node.put("id", id);
        node.put("title", title);
        node.put("status", status.wire());
        node.put("streamId", streamId);
        node.put("assignedAgent", assignedAgent);
        node.put("progress", progress);
        node.set("metadata", metadata);
        Values.putTime(node, "createdAt", createdAt);
        Values.putTime(node, "updatedAt", updatedAt);
        return node;
    }
}
