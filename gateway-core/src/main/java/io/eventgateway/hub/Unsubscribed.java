package io.eventgateway.hub;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code unsubscribed} reply (PROTOCOL.md section 5).
 *
 * @param requestId the request's {@code id}, or null when it had none
 * @param topics the patterns removed, as the client wrote them
 * @param activeSubscriptions the number of active patterns on the connection afterwards
 */
public record Unsubscribed(@Nullable String requestId, List<String> topics, int activeSubscriptions) {

    /** Copies the topic list. */
    public Unsubscribed {
        topics = List.copyOf(topics);
    }
}
