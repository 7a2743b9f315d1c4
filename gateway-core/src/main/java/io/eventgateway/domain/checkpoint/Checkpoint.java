package io.eventgateway.domain.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.state.Values;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A checkpoint (PROTOCOL.md section 8): {@code {id, taskId, sequence, trigger, executionPhase, executionStep,
 * hasDraft, expiresAt, createdAt, resumedAt, expiredAt}}. Immutable.
 *
 * @param id its id
 * @param taskId the task it belongs to; its events go to {@code checkpoint:{taskId}}
 * @param sequence its number among the task's checkpoints, from 1
 * @param trigger why it was taken, e.g. {@code manual}
 * @param executionPhase the phase of the task's execution, or null
 * @param executionStep the step of the task's execution, or null
 * @param draft the saved work (any JSON value), or null
 * @param expiresAt when it expires unless resumed, or null for never
 * @param createdAt when it was created
 * @param resumedAt when it was resumed, or null
 * @param expiredAt when {@code checkpoint.expired} was emitted for it, or null
 */
public record Checkpoint(String id, String taskId, int sequence, String trigger, @Nullable String executionPhase,
                         @Nullable Integer executionStep, @Nullable JsonNode draft, @Nullable Instant expiresAt,
                         Instant createdAt, @Nullable Instant resumedAt, @Nullable Instant expiredAt) {

    /** Validates that no required component is missing. */
    public Checkpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * Whether it has a draft.
     *
     * @return true when a draft was saved with it
     */
    public boolean hasDraft() {
        return draft != null;
    }

    /**
     * The checkpoint as lists show it (without its draft).
     *
     * @return a new JSON object
     */
    public ObjectNode toJson() {
        ObjectNode node = Values.object();
        node.put("id", id);
        node.put("taskId", taskId);
        node.put("sequence", sequence);
        node.put("trigger", trigger);
        node.put("executionPhase", executionPhase);
        node.put("executionStep", executionStep);
        node.put("hasDraft", hasDraft());
        Values.putTime(node, "expiresAt", expiresAt);
        Values.putTime(node, "createdAt", createdAt);
        Values.putTime(node, "resumedAt", resumedAt);
        Values.putTime(node, "expiredAt", expiredAt);
        return node;
    }

    /**
     * The checkpoint with its draft, as {@code POST /api/checkpoints/{id}/resume} answers it: the work to resume.
     *
     * @return a new JSON object
     */
    public ObjectNode toJsonWithDraft() {
        ObjectNode node = toJson();
        node.set("draft", draft);
        return node;
    }
}
