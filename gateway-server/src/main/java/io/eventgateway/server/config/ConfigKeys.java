package io.eventgateway.server.config;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Every configuration key as a typed constant, with its default and description: the table {@code --help} prints,
 * in {@link #all()}'s order. The defaults shown here are text for people; the values themselves come from
 * {@link GatewayConfig#defaults()} (a test keeps the two equal).
 */
public final class ConfigKeys {

    /** {@code server.host}, default {@code 127.0.0.1}: the address to listen on. */
    public static final ConfigKey SERVER_HOST = new ConfigKey("server.host", ConfigKey.Type.STRING, "127.0.0.1",
        "address to listen on (HTTP and WebSocket share it)",
        (c, v) -> c.withServer(c.server().withHost((String) v)));
    /** {@code server.port}, default {@code 9090}; 0 picks a free port. */
    public static final ConfigKey SERVER_PORT = new ConfigKey("server.port", ConfigKey.Type.INT, "9090",
        "port to listen on, 0 to 65535; 0 picks a free one",
        (c, v) -> c.withServer(c.server().withPort((Integer) v)));
    /** {@code server.max-connections}, default 10 000 open WebSockets. */
    public static final ConfigKey SERVER_MAX_CONNECTIONS = new ConfigKey("server.max-connections",
        ConfigKey.Type.INT, "10000", "open WebSockets; more upgrades are answered 503",
        (c, v) -> c.withServer(c.server().withMaxConnections((Integer) v)));
    /** {@code server.allowed-hosts}, default empty: loopback {@code Host} names only while bound to loopback. */
    public static final ConfigKey SERVER_ALLOWED_HOSTS = new ConfigKey("server.allowed-hosts",
        ConfigKey.Type.LIST, "(loopback only)", "Host header names accepted besides loopback ones; * = any",
        (c, v) -> c.withServer(c.server().withAllowedHosts(strings(v))));
    /** {@code server.shutdown-timeout}, default 10 s. */
    public static final ConfigKey SERVER_SHUTDOWN_TIMEOUT = new ConfigKey("server.shutdown-timeout",
        ConfigKey.Type.DURATION, "10s", "how long shutdown waits for WebSockets to close",
        (c, v) -> c.withServer(c.server().withShutdownTimeout((Duration) v)));
    /** {@code server.tls.certificate}, default unset: TLS off. */
    public static final ConfigKey SERVER_TLS_CERTIFICATE = new ConfigKey("server.tls.certificate",
        ConfigKey.Type.STRING, "(none: http)", "PEM certificate (chain) file; with server.tls.private-key serves https"
            + " and wss on server.port",
        (c, v) -> c.withServer(c.server().withTls(c.server().tls().withCertificate((String) v))));
    /** {@code server.tls.private-key}, default unset. */
    public static final ConfigKey SERVER_TLS_PRIVATE_KEY = new ConfigKey("server.tls.private-key",
        ConfigKey.Type.STRING, "(none)", "the certificate's unencrypted PEM private key (PKCS#8, PKCS#1 or SEC 1)",
        (c, v) -> c.withServer(c.server().withTls(c.server().tls().withPrivateKey((String) v))));
    /** {@code ws.buffer-size}, default 1000 events per connection. */
    public static final ConfigKey WS_BUFFER_SIZE = new ConfigKey("ws.buffer-size", ConfigKey.Type.INT, "1000",
        "events buffered per slow connection before the oldest are dropped and announced",
        (c, v) -> c.withWs(c.ws().withBufferSize((Integer) v)));
    /** {@code ws.max-subscriptions}, default 50 active patterns per connection. */
    public static final ConfigKey WS_MAX_SUBSCRIPTIONS = new ConfigKey("ws.max-subscriptions", ConfigKey.Type.INT,
        "50", "active patterns per connection",
        (c, v) -> c.withWs(c.ws().withMaxSubscriptions((Integer) v)));
    /** {@code ws.heartbeat-interval}, default 30 s. */
    public static final ConfigKey WS_HEARTBEAT_INTERVAL = new ConfigKey("ws.heartbeat-interval",
        ConfigKey.Type.DURATION, "30s", "time between the server's ping messages",
        (c, v) -> c.withWs(c.ws().withHeartbeatInterval((Duration) v)));
    /** {@code ws.idle-timeout}, default 60 s. */
    public static final ConfigKey WS_IDLE_TIMEOUT = new ConfigKey("ws.idle-timeout", ConfigKey.Type.DURATION,
        "60s", "silence from a client before close 4001",
        (c, v) -> c.withWs(c.ws().withIdleTimeout((Duration) v)));
    /** {@code ws.max-message-bytes}, default 65 536. */
    public static final ConfigKey WS_MAX_MESSAGE_BYTES = new ConfigKey("ws.max-message-bytes", ConfigKey.Type.INT,
        "65536", "largest client message (after reassembly); larger closes 1009",
        (c, v) -> c.withWs(c.ws().withMaxMessageBytes((Integer) v)));
    /** {@code ws.rate-limit}, default 1000 messages per second; {@link WsConfig#NO_RATE_LIMIT} turns it off. */
    public static final ConfigKey WS_RATE_LIMIT = new ConfigKey("ws.rate-limit", ConfigKey.Type.INT, "1000",
        "inbound messages per second per connection; 0 = no limit",
        (c, v) -> c.withWs(c.ws().withRateLimit((Integer) v)));
    /** {@code ws.rate-burst}, default 2000 messages. */
    public static final ConfigKey WS_RATE_BURST = new ConfigKey("ws.rate-burst", ConfigKey.Type.INT, "2000",
        "inbound messages a connection may send at once",
        (c, v) -> c.withWs(c.ws().withRateBurst((Integer) v)));
    /** {@code ws.allowed-origins}, default empty: an {@code Origin} of the request's own host only. */
    public static final ConfigKey WS_ALLOWED_ORIGINS = new ConfigKey("ws.allowed-origins", ConfigKey.Type.LIST,
        "(same host only)", "Origins allowed to open a WebSocket (scheme://host[:port]); * = any",
        (c, v) -> c.withWs(c.ws().withAllowedOrigins(strings(v))));
    /** {@code ws.compression}, default false. */
    public static final ConfigKey WS_COMPRESSION = new ConfigKey("ws.compression", ConfigKey.Type.BOOLEAN, "false",
        "negotiate permessage-deflate (costs about 2x CPU)",
        (c, v) -> c.withWs(c.ws().withCompression((Boolean) v)));
    /** {@code ws.write-delay}, default 0 ms: write at once. */
    public static final ConfigKey WS_WRITE_DELAY = new ConfigKey("ws.write-delay", ConfigKey.Type.DURATION, "0ms",
        "how long a connection's loop gathers events before writing (fewer writes under heavy fan-out)",
        (c, v) -> c.withWs(c.ws().withWriteDelay((Duration) v)));
    /** {@code store.url}, default {@code r2dbc:sqlite:./data/gateway.db}; {@link StoreConfig#MEMORY} in memory. */
    public static final ConfigKey STORE_URL = new ConfigKey("store.url", ConfigKey.Type.STRING,
        "r2dbc:sqlite:./data/gateway.db", "the event log; memory: keeps it in memory only",
        (c, v) -> c.withStore(c.store().withUrl((String) v)));
    /** {@code store.retention-events}, default 1 000 000 newest events. */
    public static final ConfigKey STORE_RETENTION_EVENTS = new ConfigKey("store.retention-events",
        ConfigKey.Type.LONG, "1000000", "newest events kept in the log",
        (c, v) -> c.withStore(c.store().withRetentionEvents((Long) v)));
    /** {@code store.retention-age}, default 7 days. */
    public static final ConfigKey STORE_RETENTION_AGE = new ConfigKey("store.retention-age",
        ConfigKey.Type.DURATION, "7d", "oldest events kept in the log",
        (c, v) -> c.withStore(c.store().withRetentionAge((Duration) v)));
    /** {@code store.idempotency-window}, default 5 minutes. */
    public static final ConfigKey STORE_IDEMPOTENCY_WINDOW = new ConfigKey("store.idempotency-window",
        ConfigKey.Type.DURATION, "5m", "how long a publish idempotencyKey is remembered",
        (c, v) -> c.withStore(c.store().withIdempotencyWindow((Duration) v)));
    /** {@code metrics.enabled}, default true: Micrometer meters and {@code GET /metrics}. */
    public static final ConfigKey METRICS_ENABLED = new ConfigKey("metrics.enabled", ConfigKey.Type.BOOLEAN, "true",
        "keep Micrometer meters and serve GET /metrics (Prometheus text); false = 404 and no recording",
        (c, v) -> c.withMetrics(c.metrics().withEnabled((Boolean) v)));
    /** {@code log.format}, default {@code text}; {@code json} for log shippers. */
    public static final ConfigKey LOG_FORMAT = new ConfigKey("log.format", ConfigKey.Type.STRING, "text",
        "text = one line per record; json = one JSON object per line (for log shippers)",
        (c, v) -> c.withLog(c.log().withFormat((String) v)));
    /** {@code log.level}, default {@code info}. */
    public static final ConfigKey LOG_LEVEL = new ConfigKey("log.level", ConfigKey.Type.STRING, "info",
        "trace, debug, info, warn, error or off; debug adds one line per connection opened and closed",
        (c, v) -> c.withLog(c.log().withLevel((String) v)));
    /** {@code auth.mode}, default {@link AuthConfig#NONE}. */
    public static final ConfigKey AUTH_MODE = new ConfigKey("auth.mode", ConfigKey.Type.STRING, "none",
        "none, api-key or jwt: credentials required on every request but /health and the dashboard's files",
        (c, v) -> c.withAuth(c.auth().withMode((String) v)));
    /** {@code auth.api-keys-file}, default unset. */
    public static final ConfigKey AUTH_API_KEYS_FILE = new ConfigKey("auth.api-keys-file", ConfigKey.Type.STRING,
        "(none)", "YAML or JSON file of SHA-256 hashed API keys and their grants (auth.mode=api-key)",
        (c, v) -> c.withAuth(c.auth().withApiKeysFile((String) v)));
    /** {@code auth.jwt.secret}, default unset. */
    public static final ConfigKey AUTH_JWT_SECRET = new ConfigKey("auth.jwt.secret", ConfigKey.Type.STRING,
        "(none)", "HS256 secret, at least 32 bytes (prefer auth.jwt.secret-file: flags show in process lists)",
        (c, v) -> c.withAuth(c.auth().withJwtSecret((String) v)));
    /** {@code auth.jwt.secret-file}, default unset. */
    public static final ConfigKey AUTH_JWT_SECRET_FILE = new ConfigKey("auth.jwt.secret-file",
        ConfigKey.Type.STRING, "(none)", "file holding the HS256 secret",
        (c, v) -> c.withAuth(c.auth().withJwtSecretFile((String) v)));
    /** {@code auth.jwt.jwks-file}, default unset. */
    public static final ConfigKey AUTH_JWT_JWKS_FILE = new ConfigKey("auth.jwt.jwks-file", ConfigKey.Type.STRING,
        "(none)", "JWKS file of RSA and EC P-256 public keys (RS256, ES256)",
        (c, v) -> c.withAuth(c.auth().withJwtJwksFile((String) v)));
    /** {@code auth.jwt.issuer}, default unset: not checked. */
    public static final ConfigKey AUTH_JWT_ISSUER = new ConfigKey("auth.jwt.issuer", ConfigKey.Type.STRING,
        "(not checked)", "the iss claim every token must have",
        (c, v) -> c.withAuth(c.auth().withJwtIssuer((String) v)));
    /** {@code auth.jwt.audience}, default unset: not checked. */
    public static final ConfigKey AUTH_JWT_AUDIENCE = new ConfigKey("auth.jwt.audience", ConfigKey.Type.STRING,
        "(not checked)", "a value the aud claim of every token must contain",
        (c, v) -> c.withAuth(c.auth().withJwtAudience((String) v)));
    /** {@code auth.refresh-window}, default 30 s. */
    public static final ConfigKey AUTH_REFRESH_WINDOW = new ConfigKey("auth.refresh-window",
        ConfigKey.Type.DURATION, "30s", "auth_expiring is sent this long before a connection's token expires;"
            + " at expiry it is closed 4003 unless a new token came",
        (c, v) -> c.withAuth(c.auth().withRefreshWindow((Duration) v)));

    private static final List<ConfigKey> ALL = List.of(SERVER_HOST, SERVER_PORT, SERVER_MAX_CONNECTIONS,
        SERVER_ALLOWED_HOSTS, SERVER_SHUTDOWN_TIMEOUT, SERVER_TLS_CERTIFICATE, SERVER_TLS_PRIVATE_KEY,
        WS_BUFFER_SIZE, WS_MAX_SUBSCRIPTIONS, WS_HEARTBEAT_INTERVAL,
        WS_IDLE_TIMEOUT, WS_MAX_MESSAGE_BYTES, WS_RATE_LIMIT, WS_RATE_BURST, WS_ALLOWED_ORIGINS, WS_COMPRESSION,
        WS_WRITE_DELAY, STORE_URL, STORE_RETENTION_EVENTS, STORE_RETENTION_AGE, STORE_IDEMPOTENCY_WINDOW,
        METRICS_ENABLED, LOG_FORMAT, LOG_LEVEL, AUTH_MODE, AUTH_API_KEYS_FILE, AUTH_JWT_SECRET, AUTH_JWT_SECRET_FILE,
        AUTH_JWT_JWKS_FILE, AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE, AUTH_REFRESH_WINDOW);

    private ConfigKeys() {
    }

    /**
     * Every key, in the order {@code --help} lists them: {@code server.*}, {@code ws.*}, {@code store.*},
     * {@code metrics.*}, {@code log.*}, {@code auth.*}.
     *
     * @return the keys, immutable
     */
    public static List<ConfigKey> all() {
        return ALL;
    }

    /**
     * The key of a name.
     *
     * @param name e.g. {@code ws.buffer-size}
     * @return the key, or null when no key has that name
     */
    public static @Nullable ConfigKey find(String name) {
        for (ConfigKey key : ALL) {
            if (key.name().equals(name)) {
                return key;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        return (List<String>) value;
    }
}
