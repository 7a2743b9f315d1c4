package io.eventgateway.server.config;

import java.util.Objects;

/**
 * The whole configuration: one immutable tree whose {@link #defaults()} are the single source of PROTOCOL.md's
 * defaults. {@code withXxx} returns a copy.
 *
 * @param server {@code server.*}
 * @param ws {@code ws.*}
 * @param store {@code store.*}
 */
public record GatewayConfig(ServerConfig server, WsConfig ws, StoreConfig store) {

    /** Rejects missing parts. */
    public GatewayConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(ws, "ws");
        Objects.requireNonNull(store, "store");
    }

    /**
     * The defaults of PROTOCOL.md and ARCHITECTURE.md.
     *
     * @return the default configuration
     */
    public static GatewayConfig defaults() {
        return new GatewayConfig(ServerConfig.defaults(), WsConfig.defaults(), StoreConfig.defaults());
    }

    /**
     * A copy with other server settings.
     *
     * @param value the settings
     * @return the copy
     */
    public GatewayConfig withServer(ServerConfig value) {
        return new GatewayConfig(value, ws, store);
    }

    /**
     * A copy with other WebSocket settings.
     *
     * @param value the settings
     * @return the copy
     */
    public GatewayConfig withWs(WsConfig value) {
        return new GatewayConfig(server, value, store);
    }

    /**
     * A copy with other store settings.
     *
     * @param value the settings
     * @return the copy
     */
    public GatewayConfig withStore(StoreConfig value) {
        return new GatewayConfig(server, ws, value);
    }
}
