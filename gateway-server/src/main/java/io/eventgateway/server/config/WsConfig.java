package io.eventgateway.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code ws.*}: the WebSocket protocol's limits (PROTOCOL.md sections 5 and 6).
 *
 * @param bufferSize {@code ws.buffer-size}, default 1000 events per connection before the oldest are dropped
 * @param maxSubscriptions {@code ws.max-subscriptions}, default 50 active patterns per connection
 * @param heartbeatInterval {@code ws.heartbeat-interval}, default 30 s between server pings
 * @param idleTimeout {@code ws.idle-timeout}, default 60 s without a client frame before close 4001
 * @param maxMessageBytes {@code ws.max-message-bytes}, default 65 536; a larger message is closed 1009
 * @param rateLimit {@code ws.rate-limit}, default 1000 messages per second per connection;
 *     {@link #NO_RATE_LIMIT} disables it
 * @param rateBurst {@code ws.rate-burst}, default 2000 messages
 * @param allowedOrigins {@code ws.allowed-origins}, default empty: only the request's own host; {@code *} = any
 * @param compression {@code ws.compression}, default false: permessage-deflate
 */
public record WsConfig(int bufferSize, int maxSubscriptions, Duration heartbeatInterval, Duration idleTimeout,
                       int maxMessageBytes, int rateLimit, int rateBurst, List<String> allowedOrigins,
                       boolean compression) {

    /** {@code ws.rate-limit} value that disables the rate limit. */
    public static final int NO_RATE_LIMIT = 0;

    /** Validates every component, naming its key. */
    public WsConfig {
        Checks.range("ws.buffer-size", bufferSize, 1, 1_000_000);
        Checks.range("ws.max-subscriptions", maxSubscriptions, 1, 100_000);
        Checks.positive("ws.heartbeat-interval", heartbeatInterval);
        Checks.positive("ws.idle-timeout", idleTimeout);
        Checks.range("ws.max-message-bytes", maxMessageBytes, 128, 16 * 1024 * 1024);
        Checks.range("ws.rate-limit", rateLimit, 0, 10_000_000);
        Checks.range("ws.rate-burst", rateBurst, 1, 100_000_000);
        allowedOrigins = List.copyOf(Objects.requireNonNull(allowedOrigins, "ws.allowed-origins must not be null"));
    }

    /**
     * The defaults of PROTOCOL.md.
     *
     * @return 1000, 50, 30 s, 60 s, 64 KiB, 1000/s burst 2000, same-origin, no compression
     */
    public static WsConfig defaults() {
        return new WsConfig(1000, 50, Duration.ofSeconds(30), Duration.ofSeconds(60), 65_536, 1000, 2000,
            List.of(), false);
    }

    /**
     * A copy with another buffer size.
     *
     * @param value the size
     * @return the copy
     */
    public WsConfig withBufferSize(int value) {
        return new WsConfig(value, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit,
            rateBurst, allowedOrigins, compression);
    }

    /**
     * A copy with another subscription limit.
     *
     * @param value the limit
     * @return the copy
     */
    public WsConfig withMaxSubscriptions(int value) {
        return new WsConfig(bufferSize, value, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit,
            rateBurst, allowedOrigins, compression);
    }

    /**
     * A copy with another heartbeat interval.
     *
     * @param value the interval
     * @return the copy
     */
    public WsConfig withHeartbeatInterval(Duration value) {
        return new WsConfig(bufferSize, maxSubscriptions, value, idleTimeout, maxMessageBytes, rateLimit,
            rateBurst, allowedOrigins, compression);
    }

    /**
     * A copy with another idle timeout.
     *
     * @param value the timeout
     * @return the copy
     */
    public WsConfig withIdleTimeout(Duration value) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, value, maxMessageBytes, rateLimit,
            rateBurst, allowedOrigins, compression);
    }

    /**
     * A copy with another message size limit.
     *
     * @param value the limit in bytes
     * @return the copy
     */
    public WsConfig withMaxMessageBytes(int value) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, value, rateLimit,
            rateBurst, allowedOrigins, compression);
    }

    /**
     * A copy with another rate limit.
     *
     * @param value messages per second, or {@link #NO_RATE_LIMIT}
     * @return the copy
     */
    public WsConfig withRateLimit(int value) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, value,
            rateBurst, allowedOrigins, compression);
    }

    /**
     * A copy with another burst.
     *
     * @param value the burst
     * @return the copy
     */
    public WsConfig withRateBurst(int value) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit,
            value, allowedOrigins, compression);
    }

    /**
     * A copy with other allowed origins.
     *
     * @param value the origins
     * @return the copy
     */
    public WsConfig withAllowedOrigins(List<String> value) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit,
            rateBurst, value, compression);
    }

    /**
     * A copy with compression on or off.
     *
     * @param value whether to negotiate permessage-deflate
     * @return the copy
     */
    public WsConfig withCompression(boolean value) {
        return new WsConfig(bufferSize, maxSubscriptions, heartbeatInterval, idleTimeout, maxMessageBytes, rateLimit,
            rateBurst, allowedOrigins, value);
    }
}
