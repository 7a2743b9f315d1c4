package io.eventgateway.server.ws;

import io.eventgateway.error.GatewayException;
import org.jspecify.annotations.Nullable;

/** The server's own control messages, queued on a connection's stream and encoded by {@link ServerFrames}. */
final class ServerMessages {

    private ServerMessages() {
    }

    /** The first frame after the upgrade. */
    record Connected(String connectionId, String serverVersion, long headSeq, long heartbeatIntervalMs,
                     long idleTimeoutMs, int maxSubscriptions, int bufferSize) {
    }

    /** The acknowledgement of a durable {@code publish}. */
    record Published(@Nullable String id, long seq) {
    }

    /** An {@code error} frame for a request. */
    record ErrorReply(@Nullable String id, GatewayException error) {
    }

    /** The answer to a client {@code ping}. */
    record Pong(@Nullable String id) {
    }

    /** The server's heartbeat {@code ping}. */
    record Ping() {
    }
}
