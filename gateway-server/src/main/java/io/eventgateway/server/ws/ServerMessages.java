package io.eventgateway.server.ws;

import io.eventgateway.error.GatewayException;
import io.eventgateway.server.auth.Grant;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** The server's own control messages, queued on a connection's stream and encoded by {@link ServerFrames}. */
final class ServerMessages {

    private ServerMessages() {
    }

    /**
     * The first frame after the upgrade; {@code batch} whether the connection asked for {@code batch} frames,
     * {@code auth} the connection's grant, null while auth is off.
     */
    record Connected(String connectionId, String serverVersion, long headSeq, long heartbeatIntervalMs,
                     long idleTimeoutMs, int maxSubscriptions, int bufferSize, boolean batch, @Nullable Grant auth) {
    }

    /** The answer to an {@code auth} message: the new grant is in force (PROTOCOL.md section 11.4). */
    record Authenticated(@Nullable String id, Grant grant, int activeSubscriptions) {
    }

    /** The connection's credentials expire soon: send {@code auth} before {@code expiresAt}, or be closed 4003. */
    record AuthExpiring(Instant expiresAt, long refreshWindowMs) {
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
