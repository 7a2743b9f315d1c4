package io.eventgateway.hub;

import org.jspecify.annotations.Nullable;

/**
 * Queued in place of the rest of a replay when reading the log failed; the server sends it as an
 * {@code error} frame with {@code WS_INTERNAL_ERROR} and the request's {@code id}, so the client can retry
 * the subscribe with the same {@code since}.
 *
 * @param requestId the subscribe request's {@code id}, or null
 * @param lastReplayedSeq the last replayed {@code seq} delivered before the failure, or the request's since
 * @param message what failed
 */
public record ReplayFailed(@Nullable String requestId, long lastReplayedSeq, String message) {
}
