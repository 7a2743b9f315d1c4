package io.eventgateway.domain.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.state.Values;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What {@code PATCH /api/tasks/{id}} asks to change: any of {@code title, status, assignedAgent, streamId, progress,
 * metadata}. A field that is not set is left as it is; {@code assignedAgent} and {@code streamId} may be set to
 * null (unassign, leave the stream); {@code metadata} is replaced as a whole.
 */
public final class TaskPatch {

    /** The fields a patch can change, in the order {@code task.updated} lists its {@code changes}. */
    public enum Field {
        /** {@code title}. */
        TITLE("title"),
        /** {@code status}. */
        STATUS("status"),
        /** {@code assignedAgent}. */
        ASSIGNED_AGENT("assignedAgent"),
        /** {@code streamId}. */
        STREAM_ID("streamId"),
        /** {@code progress}. */
        PROGRESS("progress"),
        /** {@code metadata}. */
        METADATA("metadata");

        private final String wire;

        Field(String wire) {
            this.wire = wire;
        }

        /**
         * The field's JSON name.
         *
         * @return e.g. {@code assignedAgent}
         */
        public String wire() {
            return wire;
        }
    }

    private final Set<Field> present;
    private final @Nullable String title;
    private final @Nullable TaskStatus status;
    private final @Nullable String assignedAgent;
    private final @Nullable String streamId;
    private final double progress;
    private final @Nullable ObjectNode metadata;

    private TaskPatch(Builder b) {
        this.present = EnumSet.copyOf(b.present);
        this.title = b.title;
        this.status = b.status;
        this.assignedAgent = b.assignedAgent;
        this.streamId = b.streamId;
        this.progress = b.progress;
        this.metadata = b.metadata;
    }

    /**
     * A builder of an empty patch.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether the patch sets a field.
     *
     * @param field the field
     * @return true when set
     */
    public boolean has(Field field) {
        return present.contains(field);
    }

    /**
     * Applies the patch.
     *
     * @param task the task as it is
     * @param now the time of the change, its {@code updatedAt}
     * @return the task as the patch leaves it
     */
    public Task applyTo(Task task, Instant now) {
        String newTitle = has(Field.TITLE) ? Objects.requireNonNull(title) : task.title();
        TaskStatus newStatus = has(Field.STATUS) ? Objects.requireNonNull(status) : task.status();
        String newAgent = has(Field.ASSIGNED_AGENT) ? assignedAgent : task.assignedAgent();
        String newStream = has(Field.STREAM_ID) ? streamId : task.streamId();
        double newProgress = has(Field.PROGRESS) ? progress : task.progress();
        ObjectNode newMetadata = has(Field.METADATA) ? Objects.requireNonNull(metadata) : task.metadata();
        return new Task(task.id(), newTitle, newStatus, newStream, newAgent, newProgress, newMetadata,
            task.createdAt(), now);
    }

    /** Builds a {@link TaskPatch}; each setter checks its value (400 naming the field) and returns this builder. */
    public static final class Builder {
        private final Set<Field> present = EnumSet.noneOf(Field.class);
        private @Nullable String title;
        private @Nullable TaskStatus status;
        private @Nullable String assignedAgent;
        private @Nullable String streamId;
        private double progress;
        private @Nullable ObjectNode metadata;

        private Builder() {
        }

        /**
         * Sets the title.
         *
         * @param title not blank, at most {@link Values#MAX_TEXT} characters
         * @return this builder
         */
        public Builder title(@Nullable String title) {
            this.title = Values.text("title", title, Values.MAX_TEXT);
            present.add(Field.TITLE);
            return this;
        }

        /**
         * Sets the status.
         *
         * @param status the status
         * @return this builder
         */
        public Builder status(TaskStatus status) {
            this.status = Objects.requireNonNull(status, "status");
            present.add(Field.STATUS);
            return this;
        }

        /**
         * Sets or clears the assigned agent.
         *
         * @param agent an agent id, or null to unassign
         * @return this builder
         */
        public Builder assignedAgent(@Nullable String agent) {
            this.assignedAgent = Values.optionalId("assignedAgent", agent);
            present.add(Field.ASSIGNED_AGENT);
            return this;
        }

        /**
         * Moves the task to a stream, or out of its stream.
         *
         * @param stream a stream id, or null to leave the stream
         * @return this builder
         */
        public Builder streamId(@Nullable String stream) {
            this.streamId = Values.optionalId("streamId", stream);
            present.add(Field.STREAM_ID);
            return this;
        }

        /**
         * Sets the progress.
         *
         * @param value from 0 to 100
         * @return this builder
         */
        public Builder progress(double value) {
            if (!(value >= 0 && value <= 100)) {
                throw Values.invalid("progress", "'progress' must be a number from 0 to 100, got " + value);
            }
            this.progress = value;
            present.add(Field.PROGRESS);
            return this;
        }

        /**
         * Replaces the metadata.
         *
         * @param value a JSON object (copied)
         * @return this builder
         */
        public Builder metadata(ObjectNode value) {
            this.metadata = Objects.requireNonNull(value, "metadata").deepCopy();
            present.add(Field.METADATA);
            return this;
        }

        /**
         * Builds the patch.
         *
         * @return the patch
         */
        public TaskPatch build() {
            return new TaskPatch(this);
        }
    }
}
