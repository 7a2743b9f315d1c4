package io.eventgateway.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code server.*}: where the gateway listens, how many connections it takes, and which {@code Host} names it
 * answers (PROTOCOL.md sections 1 and 6).
 *
 * @param host {@code server.host}, default {@code 127.0.0.1}; must not be empty
 * @param port {@code server.port}, default {@code 9090}; 0 to 65535, where {@link #ANY_PORT} picks a free port
 * @param maxConnections {@code server.max-connections}, default 10 000 open WebSockets (1 to 10 000 000); more
 *     upgrades are answered 503
 * @param allowedHosts {@code server.allowed-hosts}, default empty: while bound to a loopback address only loopback
 *     {@code Host} names and addresses are answered (a DNS-rebinding defence); {@code *} = any
 * @param shutdownTimeout {@code server.shutdown-timeout}, default 10 s (positive): how long shutdown waits for
 *     connections to close
 * @param tls {@code server.tls.*}, default {@link TlsConfig#defaults()} (off): https and wss on the same port
 */
public record ServerConfig(String host, int port, int maxConnections, List<String> allowedHosts,
                           Duration shutdownTimeout, TlsConfig tls) {

    /** {@code server.port} value that binds any free port (tests use it). */
    public static final int ANY_PORT = 0;

    /** Validates every component, naming its key. */
    public ServerConfig {
        Checks.notBlank("server.host", host);
        Checks.range("server.port", port, ANY_PORT, 65_535);
        Checks.range("server.max-connections", maxConnections, 1, 10_000_000);
        allowedHosts = Checks.strings("server.allowed-hosts", allowedHosts);
        Checks.positive("server.shutdown-timeout", shutdownTimeout);
        Objects.requireNonNull(tls, "server.tls must not be null");
    }

    /**
     * The settings without TLS.
     *
     * @param host {@code server.host}
     * @param port {@code server.port}
     * @param maxConnections {@code server.max-connections}
     * @param allowedHosts {@code server.allowed-hosts}
     * @param shutdownTimeout {@code server.shutdown-timeout}
     */
    public ServerConfig(String host, int port, int maxConnections, List<String> allowedHosts,
                        Duration shutdownTimeout) {
        this(host, port, maxConnections, allowedHosts, shutdownTimeout, TlsConfig.defaults());
    }

    /**
     * The defaults of PROTOCOL.md.
     *
     * @return {@code 127.0.0.1:9090}, 10 000 connections, loopback {@code Host} names only, 10 s shutdown, no TLS
     */
    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 9090, 10_000, List.of(), Duration.ofSeconds(10), TlsConfig.defaults());
    }

    /**
     * A copy with another bind address.
     *
     * @param host the address or name, default {@code 127.0.0.1}
     * @return the copy
     */
    public ServerConfig withHost(String host) {
        return new ServerConfig(host, port, maxConnections, allowedHosts, shutdownTimeout, tls);
    }

    /**
     * A copy with another port.
     *
     * @param port the port, default 9090; {@link #ANY_PORT} picks a free one
     * @return the copy
     */
    public ServerConfig withPort(int port) {
        return new ServerConfig(host, port, maxConnections, allowedHosts, shutdownTimeout, tls);
    }

    /**
     * A copy with another connection limit.
     *
     * @param maxConnections open WebSockets, default 10 000
     * @return the copy
     */
    public ServerConfig withMaxConnections(int maxConnections) {
        return new ServerConfig(host, port, maxConnections, allowedHosts, shutdownTimeout, tls);
    }

    /**
     * A copy with other allowed {@code Host} names.
     *
     * @param allowedHosts the names, default empty (loopback only); {@code *} = any
     * @return the copy
     */
    public ServerConfig withAllowedHosts(List<String> allowedHosts) {
        return new ServerConfig(host, port, maxConnections, allowedHosts, shutdownTimeout, tls);
    }

    /**
     * A copy with another shutdown timeout.
     *
     * @param shutdownTimeout the timeout, default 10 s
     * @return the copy
     */
    public ServerConfig withShutdownTimeout(Duration shutdownTimeout) {
        return new ServerConfig(host, port, maxConnections, allowedHosts, shutdownTimeout, tls);
    }

    /**
     * A copy with other TLS settings.
     *
     * @param tls the settings, default {@link TlsConfig#defaults()} (off)
     * @return the copy
     */
    public ServerConfig withTls(TlsConfig tls) {
        return new ServerConfig(host, port, maxConnections, allowedHosts, shutdownTimeout, tls);
    }
}
