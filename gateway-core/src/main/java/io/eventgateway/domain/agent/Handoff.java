package io.eventgateway.domain.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.state.Values;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A recorded handoff. Immutable.
 *
 * @param handoffId its id
 * @param taskId the task handed over
 * @param fromAgent the agent that handed it over
 * @param toAgent the agent that took it over
 * @param chainPosition its position in the chain
 * @param chainLength the chain's length
 * @param handoffContext what the next agent needs to know
 * @param workProductId the work product handed over, or null
 * @param handoffAt when it was recorded
 */
public record Handoff(String handoffId, String taskId, String fromAgent, String toAgent, int chainPosition,
                      int chainLength, String handoffContext, @Nullable String workProductId, Instant handoffAt) {

    /** Validates that no required component is missing. */
    public Handoff {
        Objects.requireNonNull(handoffId, "handoffId");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(fromAgent, "fromAgent");
        Objects.requireNonNull(toAgent, "toAgent");
        Objects.requireNonNull(handoffContext, "handoffContext");
        Objects.requireNonNull(handoffAt, "handoffAt");
    }

    /**
     * The seed design's {@code AgentHandoffData}: the {@code data} of {@code agent.handoff}, and the answer.
     *
     * @return a new JSON object
     */
    public ObjectNode toJson() {
        ObjectNode node = Values.object();
        node.put("handoffId", handoffId);
        node.put("taskId", taskId);
        node.put("fromAgent", fromAgent);
        node.put("toAgent", toAgent);
        node.put("chainPosition", chainPosition);
        node.put("chainLength", chainLength);
        node.put("handoffContext", handoffContext);
        node.put("workProductId", workProductId);
        Values.putTime(node, "handoffAt", handoffAt);
        return node;
    }
}
