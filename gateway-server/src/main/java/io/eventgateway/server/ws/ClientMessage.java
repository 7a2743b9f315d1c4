package io.eventgateway.server.ws;

import io.eventgateway.event.NewEvent;
import io.eventgateway.hub.SubscribeCommand;
import io.eventgateway.topic.TopicPattern;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A decoded, validated message from a client (PROTOCOL.md section 4). */
sealed interface ClientMessage {

    /**
     * The request's {@code id}, echoed on its reply or error.
     *
     * @return the id, or null
     */
    @Nullable String id();

    /** {@code subscribe}. */
    record Subscribe(@Nullable String id, SubscribeCommand command) implements ClientMessage {
    }

    /** {@code unsubscribe}. */
    record Unsubscribe(@Nullable String id, List<TopicPattern> patterns, List<String> topics)
        implements ClientMessage {
    }

    /** {@code publish}. */
    record Publish(@Nullable String id, NewEvent event) implements ClientMessage {
    }

    /** {@code ping}: answered with a {@code pong} carrying the same id. */
    record Ping(@Nullable String id) implements ClientMessage {
    }

    /** {@code pong}: the answer to a server heartbeat. */
    record Pong(@Nullable String id) implements ClientMessage {
    }

    /** {@code auth}: a new token for the connection (PROTOCOL.md section 11.4). */
    record Auth(@Nullable String id, String token) implements ClientMessage {
    }
}
