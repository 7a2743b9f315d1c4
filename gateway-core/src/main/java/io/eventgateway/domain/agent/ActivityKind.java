package io.eventgateway.domain.agent;

import io.eventgateway.state.Values;
import org.jspecify.annotations.Nullable;

/** The kinds of agent activity of {@code POST /api/agents/{agentId}/activity}, each with its event type. */
public enum ActivityKind {
    /** The agent started a piece of work: {@code agent.started}. */
    STARTED("started"),
    /** The agent is still at it: {@code agent.heartbeat}. */
    HEARTBEAT("heartbeat"),
    /** The agent finished: {@code agent.completed}. */
    COMPLETED("completed");

    private final String wire;

    ActivityKind(String wire) {
        this.wire = wire;
    }

    /**
     * The wire name.
     *
     * @return e.g. {@code heartbeat}
     */
    public String wire() {
        return wire;
    }

    /**
     * The event type this activity emits.
     *
     * @return e.g. {@code agent.heartbeat}
     */
    public String eventType() {
        return "agent." + wire;
    }

    /**
     * Parses a wire name.
     *
     * @param value the name
     * @return the kind
     * @throws io.eventgateway.error.GatewayException 400 naming {@code kind}
     */
    public static ActivityKind parse(@Nullable String value) {
        if (value == null) {
            throw Values.invalid("kind", "'kind' is required: started, heartbeat or completed");
        }
        for (ActivityKind k : values()) {
            if (k.wire.equals(value)) {
                return k;
            }
        }
        throw Values.invalid("kind", "'kind' must be one of started, heartbeat, completed, got '" + value + "'");
    }
}
