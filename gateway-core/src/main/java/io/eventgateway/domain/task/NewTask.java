package io.eventgateway.domain.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.state.Values;
import org.jspecify.annotations.Nullable;

/**
 * What {@code POST /api/tasks} asks for: {@code {id?, title, status?, streamId?, assignedAgent?, metadata?}}.
 * The compact constructor checks every value (400 naming the field); references (the stream) are checked when
 * the task is created.
 *
 * @param id the id, or null to have one generated ({@code T-} and 16 hex digits)
 * @param title the title, not blank, at most {@link Values#MAX_TEXT} characters
 * @param status the status, or null for {@code pending}
 * @param streamId the stream, or null
 * @param assignedAgent the agent, or null
 * @param metadata a JSON object, or null for {@code {}}
 */
public record NewTask(@Nullable String id, String title, @Nullable TaskStatus status, @Nullable String streamId,
                      @Nullable String assignedAgent, @Nullable ObjectNode metadata) {

    /** Checks every value. */
    public NewTask {
        Values.optionalId("id", id);
        Values.text("title", title, Values.MAX_TEXT);
        Values.optionalId("streamId", streamId);
        Values.optionalId("assignedAgent", assignedAgent);
        metadata = metadata == null ? null : metadata.deepCopy();
    }
}
