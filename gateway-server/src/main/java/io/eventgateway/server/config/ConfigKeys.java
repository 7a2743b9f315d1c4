package io.eventgateway.server.config;

import java.time.Duration;
import java.util.List;

/** Every configuration key, typed, with its default and description: the table {@code --help} prints. */
public final class ConfigKeys {

    /** {@code server.host}. */
    public static final ConfigKey SERVER_HOST = new ConfigKey("server.host", ConfigKey.Type.STRING, "127.0.0.1",
        "address to listen on (HTTP and WebSocket share it)",
        (c, v) -> c.withServer(c.server().withHost((String) v)));
    /** {@code server.port}. */
    public static final ConfigKey SERVER_PORT = new ConfigKey("server.port", ConfigKey.Type.INT, "9090",
        "port to listen on; 0 picks a free one",
        (c, v) -> c.withServer(c.server().withPort((Integer) v)));
    /** {@code server.max-connections}. */
    public static final ConfigKey SERVER_MAX_CONNECTIONS = new ConfigKey("server.max-connections",
        ConfigKey.Type.INT, "10000", "open WebSockets; more upgrades are answered 503",
        (c, v) -> c.withServer(c.server().withMaxConnections((Integer) v)));
    /** {@code server.allowed-hosts}. */
    public static final ConfigKey SERVER_ALLOWED_HOSTS = new ConfigKey("server.allowed-hosts",
        ConfigKey.Type.LIST, "(loopback only)", "Host header names accepted besides loopback ones; * = any",
        (c, v) -> c.withServer(c.server().withAllowedHosts(strings(v))));
    /** {@code server.shutdown-timeout}. */
    public static final ConfigKey SERVER_SHUTDOWN_TIMEOUT = new ConfigKey("server.shutdown-timeout",
        ConfigKey.Type.DURATION, "10s", "how long shutdown waits for WebSockets to close",
        (c, v) -> c.withServer(c.server().withShutdownTimeout((Duration) v)));
    /** {@code ws.buffer-size}. */
    public static final ConfigKey WS_BUFFER_SIZE = new ConfigKey("ws.buffer-size", ConfigKey.Type.INT, "1000",
        "events buffered per slow connection before the oldest are dropped and announced",
        (c, v) -> c.withWs(c.ws().withBufferSize((Integer) v)));
    /** {@code ws.max-subscriptions}. */
    public static final ConfigKey WS_MAX_SUBSCRIPTIONS = new ConfigKey("ws.max-subscriptions", ConfigKey.Type.INT,
        "50", "active patterns per connection",
        (c, v) -> c.withWs(c.ws().withMaxSubscriptions((Integer) v)));
    /** {@code ws.heartbeat-interval}. */
    public static final ConfigKey WS_HEARTBEAT_INTERVAL = new ConfigKey("ws.heartbeat-interval",
        ConfigKey.Type.DURATION, "30s", "time between the server's ping messages",
        (c, v) -> c.withWs(c.ws().withHeartbeatInterval((Duration) v)));
    /** {@code ws.idle-timeout}. */
    public static final ConfigKey WS_IDLE_TIMEOUT = new ConfigKey("ws.idle-timeout", ConfigKey.Type.DURATION,
        "60s", "silence from a client before close 4001",
        (c, v) -> c.withWs(c.ws().withIdleTimeout((Duration) v)));
    /** {@code ws.max-message-bytes}. */
    public static final ConfigKey WS_MAX_MESSAGE_BYTES = new ConfigKey("ws.max-message-bytes", ConfigKey.Type.INT,
        "65536", "largest client message (after reassembly); larger closes 1009",
        (c, v) -> c.withWs(c.ws().withMaxMessageBytes((Integer) v)));
    /** {@code ws.rate-limit}. */
    public static final ConfigKey WS_RATE_LIMIT = new ConfigKey("ws.rate-limit", ConfigKey.Type.INT, "1000",
        "inbound messages per second per connection; 0 = no limit",
        (c, v) -> c.withWs(c.ws().withRateLimit((Integer) v)));
    /** {@code ws.rate-burst}. */
    public static final ConfigKey WS_RATE_BURST = new ConfigKey("ws.rate-burst", ConfigKey.Type.INT, "2000",
        "inbound messages a connection may send at once",
        (c, v) -> c.withWs(c.ws().withRateBurst((Integer) v)));
    /** {@code ws.allowed-origins}. */
    public static final ConfigKey WS_ALLOWED_ORIGINS = new ConfigKey("ws.allowed-origins", ConfigKey.Type.LIST,
        "(same host only)", "Origins allowed to open a WebSocket (scheme://host[:port]); * = any",
        (c, v) -> c.withWs(c.ws().withAllowedOrigins(strings(v))));
    /** {@code ws.compression}. */
    public static final ConfigKey WS_COMPRESSION = new ConfigKey("ws.compression", ConfigKey.Type.BOOLEAN, "false",
        "negotiate permessage-deflate (costs about 2x CPU)",
        (c, v) -> c.withWs(c.ws().withCompression((Boolean) v)));
    /** {@code store.url}. */
    public static final ConfigKey STORE_URL = new ConfigKey("store.url", ConfigKey.Type.STRING,
        "r2dbc:sqlite:./data/gateway.db", "the event log; memory: keeps it in memory only",
        (c, v) -> c.withStore(c.store().withUrl((String) v)));
    /** {@code store.retention-events}. */
    public static final ConfigKey STORE_RETENTION_EVENTS = new ConfigKey("store.retention-events",
        ConfigKey.Type.LONG, "1000000", "newest events kept in the log",
        (c, v) -> c.withStore(c.store().withRetentionEvents((Long) v)));
    /** {@code store.retention-age}. */
    public static final ConfigKey STORE_RETENTION_AGE = new ConfigKey("store.retention-age",
        ConfigKey.Type.DURATION, "7d", "oldest events kept in the log",
        (c, v) -> c.withStore(c.store().withRetentionAge((Duration) v)));
    /** {@code store.idempotency-window}. */
    public static final ConfigKey STORE_IDEMPOTENCY_WINDOW = new ConfigKey("store.idempotency-window",
        ConfigKey.Type.DURATION, "5m", "how long a publish idempotencyKey is remembered",
        (c, v) -> c.withStore(c.store().withIdempotencyWindow((Duration) v)));

    private static final List<ConfigKey> ALL = List.of(SERVER_HOST, SERVER_PORT, SERVER_MAX_CONNECTIONS,
        SERVER_ALLOWED_HOSTS, SERVER_SHUTDOWN_TIMEOUT, WS_BUFFER_SIZE, WS_MAX_SUBSCRIPTIONS, WS_HEARTBEAT_INTERVAL,
        WS_IDLE_TIMEOUT, WS_MAX_MESSAGE_BYTES, WS_RATE_LIMIT, WS_RATE_BURST, WS_ALLOWED_ORIGINS, WS_COMPRESSION,
        STORE_URL, STORE_RETENTION_EVENTS, STORE_RETENTION_AGE, STORE_IDEMPOTENCY_WINDOW);

    private ConfigKeys() {
    }

    /**
     * Every key, in the order {@code --help} lists them.
     *
     * @return the keys
     */
    public static List<ConfigKey> all() {
        return ALL;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        return (List<String>) value;
    }
}
