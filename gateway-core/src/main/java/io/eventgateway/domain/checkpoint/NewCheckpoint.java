package io.eventgateway.domain.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgateway.state.Values;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What {@code POST /api/tasks/{id}/checkpoints} asks for: {@code {trigger, executionPhase?, executionStep?, draft?,
 * expiresAt?}}. The compact constructor checks every value (400 naming the field).
 *
 * @param trigger 1 to 64 characters of {@code [a-z_]}
 * @param executionPhase at most {@link Values#MAX_TEXT} characters, or null
 * @param executionStep at least 0, or null
 * @param draft any JSON value, or null for none
 * @param expiresAt when it expires unless resumed (must be later than the creation), or null for never
 */
public record NewCheckpoint(String trigger, @Nullable String executionPhase, @Nullable Integer executionStep,
                            @Nullable JsonNode draft, @Nullable Instant expiresAt) {

    /** Checks every value. */
    public NewCheckpoint {
        if (trigger == null) {
            throw Values.invalid("trigger", "'trigger' is required (a word such as manual, auto_phase, error)");
        }
        if (!validTrigger(trigger)) {
            throw Values.invalid("trigger", "'trigger' must be 1 to 64 characters of a-z and _, got '"
                + (trigger.length() > 64 ? trigger.substring(0, 64) + "..." : trigger) + "'");
        }
        Values.optionalText("executionPhase", executionPhase, Values.MAX_TEXT);
        if (executionStep != null && executionStep < 0) {
            throw Values.invalid("executionStep", "'executionStep' must be 0 or more, got " + executionStep);
        }
        draft = draft == null || draft.isNull() ? null : draft.deepCopy();
    }

    private static boolean validTrigger(String trigger) {
        if (trigger.isEmpty() || trigger.length() > 64) {
            return false;
        }
        for (int i = 0; i < trigger.length(); i++) {
            char c = trigger.charAt(i);
            if (!(c >= 'a' && c <= 'z') && c != '_') {
                return false;
            }
        }
        return true;
    }
}
