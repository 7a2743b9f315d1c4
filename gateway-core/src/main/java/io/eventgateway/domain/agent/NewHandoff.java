package io.eventgateway.domain.agent;

import io.eventgateway.state.Values;
import org.jspecify.annotations.Nullable;

/**
 * What {@code POST /api/handoffs} records: {@code {taskId, fromAgent, toAgent, chainPosition, chainLength,
 * handoffContext, workProductId?}}. The compact constructor checks every value (400 naming the field).
 *
 * @param taskId the task handed over
 * @param fromAgent the agent handing it over
 * @param toAgent the agent taking it over, another one
 * @param chainPosition this handoff's position in the chain, from 1 to {@code chainLength}
 * @param chainLength the number of handoffs in the chain, at least 1
 * @param handoffContext what the next agent needs to know, 1 to {@link Values#MAX_TEXT} characters
 * @param workProductId the work product handed over, or null
 */
public record NewHandoff(String taskId, String fromAgent, String toAgent, int chainPosition, int chainLength,
                         String handoffContext, @Nullable String workProductId) {

    /** Checks every value. */
    public NewHandoff {
        Values.id("taskId", taskId);
        Values.id("fromAgent", fromAgent);
        Values.id("toAgent", toAgent);
        if (fromAgent.equals(toAgent)) {
            throw Values.invalid("toAgent", "'toAgent' must differ from 'fromAgent' ('" + fromAgent + "')");
        }
        if (chainLength < 1) {
            throw Values.invalid("chainLength", "'chainLength' must be 1 or more, got " + chainLength);
        }
        if (chainPosition < 1 || chainPosition > chainLength) {
            throw Values.invalid("chainPosition", "'chainPosition' must be from 1 to chainLength (" + chainLength
                + "), got " + chainPosition);
        }
        Values.text("handoffContext", handoffContext, Values.MAX_TEXT);
        Values.optionalText("workProductId", workProductId, Values.MAX_TEXT);
    }
}
