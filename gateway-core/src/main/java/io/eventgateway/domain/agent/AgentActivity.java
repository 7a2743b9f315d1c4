package io.eventgateway.domain.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.state.Values;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An agent's current activity, as its last report left it. Immutable.
 *
 * @param agentId the agent, also the id of its topic {@code agent:{agentId}}
 * @param agentName its display name, or null
 * @param status {@code active} after {@code started} or {@code heartbeat}, {@code completed} after {@code completed}
 * @param streamId the stream it works on, or null
 * @param taskId the task it works on, or null
 * @param phase the phase of its work, or null
 * @param activityDescription what it does, or null
 * @param startedAt when it last reported {@code started}, or null
 * @param lastHeartbeatAt when it last reported {@code heartbeat}, or null
 * @param completedAt when it last reported {@code completed} (null again once it starts anew)
 * @param updatedAt when it last reported anything
 */
public record AgentActivity(String agentId, @Nullable String agentName, String status, @Nullable String streamId,
                            @Nullable String taskId, @Nullable String phase, @Nullable String activityDescription,
                            @Nullable Instant startedAt, @Nullable Instant lastHeartbeatAt,
                            @Nullable Instant completedAt, Instant updatedAt) {

    /** Validates that no required component is missing. */
    public AgentActivity {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /**
     * The activity as {@code POST /api/agents/{agentId}/activity} answers it.
     *
     * @return a new JSON object
     */
    public ObjectNode toJson() {
        ObjectNode node = Values.object();
        node.put("agentId", agentId);
        node.put("agentName", agentName);
        node.put("status", status);
        node.put("streamId", streamId);
        node.put("taskId", taskId);
        node.put("phase", phase);
        node.put("activityDescription", activityDescription);
        Values.putTime(node, "startedAt", startedAt);
        Values.putTime(node, "lastHeartbeatAt", lastHeartbeatAt);
        Values.putTime(node, "completedAt", completedAt);
        Values.putTime(node, "updatedAt", updatedAt);
        return node;
    }
}
