package io.eventgateway.server.config;

import java.util.Objects;

/**
 * The whole configuration: one immutable tree whose {@link #defaults()} are the single source of PROTOCOL.md's
 * defaults. {@code withXxx} returns a copy (reactor-netty's copy-on-write); {@link ConfigLoader} builds one from a
 * YAML file, the environment and flags.
 *
 * @param server {@code server.*}, default {@link ServerConfig#defaults()}
 * @param ws {@code ws.*}, default {@link WsConfig#defaults()}
 * @param store {@code store.*}, default {@link StoreConfig#defaults()}
 * @param metrics {@code metrics.*}, default {@link MetricsConfig#defaults()}
 * @param log {@code log.*}, default {@link LogConfig#defaults()}
 * @param auth {@code auth.*}, default {@link AuthConfig#defaults()} (off)
 */
public record GatewayConfig(ServerConfig server, WsConfig ws, StoreConfig store, MetricsConfig metrics,
                            LogConfig log, AuthConfig auth) {

    /** Rejects missing parts; each part has validated its own keys already. */
    public GatewayConfig {
        Objects.requireNonNull(server, "server must not be null");
        Objects.requireNonNull(ws, "ws must not be null");
        Objects.requireNonNull(store, "store must not be null");
        Objects.requireNonNull(metrics, "metrics must not be null");
        Objects.requireNonNull(log, "log must not be null");
        Objects.requireNonNull(auth, "auth must not be null");
    }

    /**
     * The server, WebSocket and store settings, with the default metrics, log and auth settings.
     *
     * @param server {@code server.*}
     * @param ws {@code ws.*}
     * @param store {@code store.*}
     */
    public GatewayConfig(ServerConfig server, WsConfig ws, StoreConfig store) {
        this(server, ws, store, MetricsConfig.defaults(), LogConfig.defaults(), AuthConfig.defaults());
    }

    /**
     * The defaults of PROTOCOL.md and ARCHITECTURE.md "Configuration".
     *
     * @return {@link ServerConfig#defaults()}, {@link WsConfig#defaults()}, {@link StoreConfig#defaults()},
     *     {@link MetricsConfig#defaults()}, {@link LogConfig#defaults()} and {@link AuthConfig#defaults()}
     */
    public static GatewayConfig defaults() {
        return new GatewayConfig(ServerConfig.defaults(), WsConfig.defaults(), StoreConfig.defaults(),
            MetricsConfig.defaults(), LogConfig.defaults(), AuthConfig.defaults());
    }

    /**
     * A copy with other server settings.
     *
     * @param server the settings
     * @return the copy
     */
    public GatewayConfig withServer(ServerConfig server) {
        return new GatewayConfig(server, ws, store, metrics, log, auth);
    }

    /**
     * A copy with other WebSocket settings.
     *
     * @param ws the settings
     * @return the copy
     */
    public GatewayConfig withWs(WsConfig ws) {
        return new GatewayConfig(server, ws, store, metrics, log, auth);
    }

    /**
     * A copy with other store settings.
     *
     * @param store the settings
     * @return the copy
     */
    public GatewayConfig withStore(StoreConfig store) {
        return new GatewayConfig(server, ws, store, metrics, log, auth);
    }

    /**
     * A copy with other metrics settings.
     *
     * @param metrics the settings
     * @return the copy
     */
    public GatewayConfig withMetrics(MetricsConfig metrics) {
        return new GatewayConfig(server, ws, store, metrics, log, auth);
    }

    /**
     * A copy with other log settings.
     *
     * @param log the settings
     * @return the copy
     */
    public GatewayConfig withLog(LogConfig log) {
        return new GatewayConfig(server, ws, store, metrics, log, auth);
    }

    /**
     * A copy with other auth settings.
     *
     * @param auth the settings
     * @return the copy
     */
    public GatewayConfig withAuth(AuthConfig auth) {
        return new GatewayConfig(server, ws, store, metrics, log, auth);
    }
}
