package io.eventgateway.hub;

import io.eventgateway.event.EventSelector;
import io.eventgateway.topic.TopicPattern;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A validated {@code subscribe} request.
 *
 * @param requestId the request's {@code id}, or null
 * @param patterns the parsed patterns, in request order (duplicates allowed; they count once)
 * @param topics the patterns as the client wrote them, echoed in the reply
 * @param selector the request's {@code filters} and {@code events}
 * @param since when set, replay the retained events with {@code seq > since} first
 */
public record SubscribeCommand(@Nullable String requestId, List<TopicPattern> patterns, List<String> topics,
                               EventSelector selector, @Nullable Long since) {

    /** Validates and copies. */
    public SubscribeCommand {
        patterns = List.copyOf(patterns);
        topics = List.copyOf(topics);
        Objects.requireNonNull(selector, "selector");
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("patterns must not be empty");
        }
    }
}
