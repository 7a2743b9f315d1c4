package io.eventgateway.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code server.*}: where the gateway listens and how many connections it takes.
 *
 * @param host {@code server.host}, default {@code 127.0.0.1}
 * @param port {@code server.port}, default {@code 9090}; 0 picks a free port
 * @param maxConnections {@code server.max-connections}, default 10 000 open WebSockets; more are answered 503
 * @param allowedHosts {@code server.allowed-hosts}, default empty: while bound to loopback only loopback
 *     {@code Host} names and addresses; {@code *} = any
 * @param shutdownTimeout {@code server.shutdown-timeout}, default 10 s: how long shutdown waits for connections
 */
public record ServerConfig(String host, int port, int maxConnections, List<String> allowedHosts,
                           Duration shutdownTimeout) {

    /** Validates every component, naming its key. */
    public ServerConfig {
        Objects.requireNonNull(host, "server.host must not be null");
        if (host.isBlank()) {
            throw new IllegalArgumentException("server.host must not be empty");
        }
        Checks.range("server.port", port, 0, 65535);
        Checks.range("server.max-connections", maxConnections, 1, 10_000_000);
        allowedHosts = List.copyOf(Objects.requireNonNull(allowedHosts, "server.allowed-hosts must not be null"));
        Checks.positive("server.shutdown-timeout", shutdownTimeout);
    }

    /**
     * The defaults of PROTOCOL.md.
     *
     * @return {@code 127.0.0.1:9090}, 10 000 connections, loopback hosts, 10 s
     */
    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 9090, 10_000, List.of(), Duration.ofSeconds(10));
    }

    /**
     * A copy with another host.
     *
     * @param value the host
     * @return the copy
     */
    public ServerConfig withHost(String value) {
        return new ServerConfig(value, port, maxConnections, allowedHosts, shutdownTimeout);
    }

    /**
     * A copy with another port.
     *
     * @param value the port
     * @return the copy
     */
    public ServerConfig withPort(int value) {
        return new ServerConfig(host, value, maxConnections, allowedHosts, shutdownTimeout);
    }

    /**
     * A copy with another connection limit.
     *
     * @param value the limit
     * @return the copy
     */
    public ServerConfig withMaxConnections(int value) {
        return new ServerConfig(host, port, value, allowedHosts, shutdownTimeout);
    }

    /**
     * A copy with other allowed hosts.
     *
     * @param value the hosts
     * @return the copy
     */
    public ServerConfig withAllowedHosts(List<String> value) {
        return new ServerConfig(host, port, maxConnections, value, shutdownTimeout);
    }

    /**
     * A copy with another shutdown timeout.
     *
     * @param value the timeout
     * @return the copy
     */
    public ServerConfig withShutdownTimeout(Duration value) {
        return new ServerConfig(host, port, maxConnections, allowedHosts, value);
    }
}
