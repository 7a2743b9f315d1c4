package io.eventgateway.hub;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code subscribed} reply (PROTOCOL.md section 5), queued on the connection's stream by the hub before
 * any event of the new patterns, so that it precedes the replay and the live events.
 *
 * @param requestId the request's {@code id}, or null when it had none
 * @param topics the patterns of the request, as the client wrote them
 * @param activeSubscriptions the number of active patterns on the connection afterwards
 * @param headSeq the dispatcher's head when the subscription took effect
 * @param recovered for a request with {@code since}: whether every event after {@code since} is still retained;
 *     null when the request had no {@code since}
 */
public record Subscribed(@Nullable String requestId, List<String> topics, int activeSubscriptions, long headSeq,
                         @Nullable Boolean recovered) {

    /** Copies the topic list. */
    public Subscribed {
        topics = List.copyOf(topics);
    }
}
