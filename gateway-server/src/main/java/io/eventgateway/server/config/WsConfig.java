package io.eventgateway.server.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code ws.*}: the WebSocket protocol's limits (PROTOCOL.md sections 5 and 6).
 *
 * <p>{@code ws.heartbeat-interval} and {@code ws.idle-timeout} are checked independently (both positive): an idle
 * timeout shorter than the heartbeat is allowed, since any client frame, not only {@code pong}, keeps a connection
 * alive.
 *
 * @param bufferSize {@code ws.buffer-size}, default 1000 events per connection (1 to 1 000 000) before the oldest
 *     are dropped and announced by an {@code overflow} frame
 * @param maxSubscriptions {@code ws.max-subscriptions}, default 50 active patterns per connection (1 to 100 000)
 * @param heartbeatInterval {@code ws.heartbeat-interval}, default 30 s between server pings (positive)
 * @param idleTimeout {@code ws.idle-timeout}, default 60 s without a client frame before close 4001 (positive)
 * @param maxMessageBytes {@code ws.max-message-bytes}, default 65 536 (128 B to 16 MiB); a larger message is
 *     closed 1009
 * @param rateLimit {@code ws.rate-limit}, default 1000 inbound messages per second per connection (0 to
 *     10 000 000); {@link #NO_RATE_LIMIT} disables it
 * @param rateBurst {@code ws.rate-burst}, default 2000 messages (1 to 100 000 000); ignored when the rate limit is
 *     off
 * @param allowedOrigins {@code ws.allowed-origins}, default empty: only an {@code Origin} of the request's own host;
 *     {@code *} = any
 * @param compression {@code ws.compression}, default false: permessage-deflate is not negotiated
 * @param writeDelay {@code ws.write-delay}, default 0 (0 to 1 s): how long a connection's event loop gathers events
 *     before writing them; a few milliseconds put several frames in one write under heavy fan-out
 */
public record WsConfig(int bufferSize, int maxSubscriptions, Duration heartbeatInterval, Duration idleTimeout,
                       int maxMessageBytes, int rateLimit, int rateBurst, List<String> allowedOrigins,
                       boolean compression, Duration writeDelay) {

    /** {@code ws.rate-limit} value that disables the rate limit. */
    public static final int NO_RATE_LIMIT = 0;

    /** Validates every component, naming its key. */
    public WsConfig {
        Checks.range("ws.buffer-size", bufferSize, 1, 1_000_000);
        Checks.range("ws.max-subscriptions", maxSubscriptions, 1, 100_000);
        Checks.positive("ws.heartbeat-interval", heartbeatInterval);
        Checks.positive("ws.idle-timeout", idleTimeout);
        Checks.range("ws.max-message-bytes", maxMessageBytes, 128, 16 * 1024 * 1024);
        Checks.range("ws.rate-limit", rateLimit, NO_RATE_LIMIT, 10_000_000);
        Checks.range("ws.rate-burst", rateBurst, 1, 100_000_000);
        allowedOrigins = Checks.strings("ws.allowed-origins", allowedOrigins);
        Checks.between("ws.write-delay", writeDelay, Duration.ZERO, Duration.ofSeconds(1));
    }

    /**
     * The settings without a write delay ({@code ws.write-delay} = 0, write at once).
     *
     * @param bufferSize {@code ws.buffer-size}
     * @param maxSubscriptions {@code ws.max-subscriptions}
     * @param heartbeatInterval {@code ws.heartbeat-interval}
     * @param idleTimeout {@code ws.idle-timeout}
     * @param maxMessageBytes {@code ws.max-message-bytes}
     * @param rateLimit {@code ws.rate-limit}, or {@link #NO_RATE_LIMIT}
     * @param rateBurst {@code ws.rate-burst}
     * @param allowedOrigins {@code ws.allowed-origins}
     * @param compression {@code ws.compression}
     */
    public WsConfig(int bufferSize, int maxSubscriptions, Duration heartbeatInterval, Duration idleTimeout,
                    int maxMessageBytes, int rateLimit, int rateBurst, List<String> allowedOrigins,
                    boolean compression) {
        this(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit, rateBurst,
            allowedOrigins, compression, Duration.ZERO);
    }

    /**
     * The defaults of PROTOCOL.md.
     *
     * @return 1000 events, 50 patterns, 30 s, 60 s, 64 KiB, 1000/s with a burst of 2000, same-origin only, no
     *     compression, no write delay
     */
    public static WsConfig defaults() {
        return new WsConfig(1000, 50, Duration.ofSeconds(30), Duration.ofSeconds(60), 65_536, 1000, 2000,
            List.of(), false, Duration.ZERO);
    }

    /**
     * A copy with another buffer size.
     *
     * @param bufferSize events per connection, default 1000
     * @return the copy
     */
    public WsConfig withBufferSize(int bufferSize) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit,
            rateBurst, allowedOrigins, compression, writeDelay);
    }

    /**
     * A copy with another subscription limit.
     *
     * @param maxSubscriptions active patterns per connection, default 50
     * @return the copy
     */
    public WsConfig withMaxSubscriptions(int maxSubscriptions) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit,
            rateBurst, allowedOrigins, compression, writeDelay);
    }

    /**
     * A copy with another heartbeat interval.
     *
     * @param heartbeatInterval time between server pings, default 30 s
     * @return the copy
     */
    public WsConfig withHeartbeatInterval(Duration heartbeatInterval) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit,
            rateBurst, allowedOrigins, compression, writeDelay);
    }

    /**
     * A copy with another idle timeout.
     *
     * @param idleTimeout silence before close 4001, default 60 s
     * @return the copy
     */
    public WsConfig withIdleTimeout(Duration idleTimeout) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit,
            rateBurst, allowedOrigins, compression, writeDelay);
    }

    /**
     * A copy with another message size limit.
     *
     * @param maxMessageBytes the limit in bytes, default 65 536
     * @return the copy
     */
    public WsConfig withMaxMessageBytes(int maxMessageBytes) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit,
            rateBurst, allowedOrigins, compression, writeDelay);
    }

    /**
     * A copy with another rate limit.
     *
     * @param rateLimit messages per second, default 1000, or {@link #NO_RATE_LIMIT}
     * @return the copy
     */
    public WsConfig withRateLimit(int rateLimit) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit,
            rateBurst, allowedOrigins, compression, writeDelay);
    }

    /**
     * A copy with another burst.
     *
     * @param rateBurst messages at once, default 2000
     * @return the copy
     */
    public WsConfig withRateBurst(int rateBurst) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit,
            rateBurst, allowedOrigins, compression, writeDelay);
    }

    /**
     * A copy with other allowed origins.
     *
     * @param allowedOrigins the origins, default empty (same host only); {@code *} = any
     * @return the copy
     */
    public WsConfig withAllowedOrigins(List<String> allowedOrigins) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit,
            rateBurst, allowedOrigins, compression, writeDelay);
    }

    /**
     * A copy with compression on or off.
     *
     * @param compression whether to negotiate permessage-deflate, default false
     * @return the copy
     */
    public WsConfig withCompression(boolean compression) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit,
            rateBurst, allowedOrigins, compression, writeDelay);
    }

    /**
     * A copy with another write delay.
     *
     * @param writeDelay the delay, default 0 (write at once)
     * @return the copy
     */
    public WsConfig withWriteDelay(Duration writeDelay) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit,
            rateBurst, allowedOrigins, compression, writeDelay);
    }
}
