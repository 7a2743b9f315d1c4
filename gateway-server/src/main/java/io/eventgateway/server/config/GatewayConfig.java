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
 */
public record GatewayConfig(ServerConfig server, WsConfig ws, StoreConfig store) {

    /** Rejects missing parts; each part has validated its own keys already. */
    public GatewayConfig {
        Objects.requireNonNull(server, "server must not be null");
        Objects.requireNonNull(ws, "ws must not be null");
        Objects.requireNonNull(store, "store must not be null");
    }

    /**
     * The defaults of PROTOCOL.md and ARCHITECTURE.md "Configuration".
     *
     * @return {@link ServerConfig#defaults()}, {@link WsConfig#defaults()} and {@link StoreConfig#defaults()}
     */
    public static GatewayConfig defaults() {
        return new GatewayConfig(ServerConfig.defaults(), WsConfig.defaults(), StoreConfig.defaults());
    }

    /**
     * A copy with other server settings.
     *
     * @param server the settings
     * @return the copy
     */
    public GatewayConfig withServer(ServerConfig server) {
        return new GatewayConfig(server, ws, store);
    }

    /**
     * A copy with other WebSocket settings.
     *
     * @param ws the settings
     * @return the copy
     */
    public GatewayConfig withWs(WsConfig ws) {
        return new GatewayConfig(server, ws, store);
    }

    /**
     * A copy with other store settings.
     *
     * @param store the settings
     * @return the copy
     */
    public GatewayConfig withStore(StoreConfig store) {
        return new GatewayConfig(server, ws, store);
    }
}
