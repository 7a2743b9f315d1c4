package io.eventgateway.domain.agent;

import io.eventgateway.state.Values;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@code POST /api/agents/{agentId}/activity} reports: {@code {kind, streamId?, taskId?, phase?,
 * activityDescription?, agentName?}}. A field left out of a {@code heartbeat} or {@code completed} keeps the value
 * the agent's activity has.
 *
 * @param kind the kind
 * @param streamId the stream worked on, or null
 * @param taskId the task worked on, or null
 * @param phase the phase of the work, or null
 * @param activityDescription what the agent does, or null
 * @param agentName the agent's display name, or null (its id is shown)
 */
public record NewActivity(ActivityKind kind, @Nullable String streamId, @Nullable String taskId,
                          @Nullable String phase, @Nullable String activityDescription, @Nullable String agentName) {

    /** Checks every value (400 naming the field). */
    public NewActivity {
        Objects.requireNonNull(kind, "kind");
        Values.optionalId("streamId", streamId);
        Values.optionalId("taskId", taskId);
        Values.optionalText("phase", phase, Values.MAX_TEXT);
        Values.optionalText("activityDescription", activityDescription, Values.MAX_TEXT);
        Values.optionalText("agentName", agentName, Values.MAX_TEXT);
    }
}
