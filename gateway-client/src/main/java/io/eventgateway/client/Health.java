package io.eventgateway.client;

import java.util.Objects;

/**
 * The gateway's {@code GET /health} answer (PROTOCOL.md section 10.9).
 *
 * @param status {@code ok} when the store answers, {@code unavailable} otherwise
 * @param version the gateway's version
 * @param headSeq the newest seq in the event log
 * @param uptimeMs milliseconds since the gateway started
 */
public record Health(String status, String version, long headSeq, long uptimeMs) {

    /** Checks every component. */
    public Health {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(version, "version");
    }

    /**
     * Whether the gateway and its store are up.
     *
     * @return true when {@code status} is {@code ok}
     */
    public boolean ok() {
        return "ok".equals(status);
    }
}
