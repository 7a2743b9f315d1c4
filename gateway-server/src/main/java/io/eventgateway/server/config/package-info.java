/**
 * The gateway's configuration: one tree of immutable records ({@link io.eventgateway.server.config.GatewayConfig}
 * with {@link io.eventgateway.server.config.ServerConfig}, {@link io.eventgateway.server.config.WsConfig} and
 * {@link io.eventgateway.server.config.StoreConfig}) whose {@code defaults()} are the single source of PROTOCOL.md's
 * defaults and whose compact constructors reject out-of-range values by key; the typed key constants of
 * {@link io.eventgateway.server.config.ConfigKeys}; and {@link io.eventgateway.server.config.ConfigLoader}, which
 * reads an optional YAML file, then {@code GATEWAY_*} environment variables, then {@code --key=value} flags, and
 * reports every problem as one {@link io.eventgateway.server.config.ConfigException} line saying how to fix it.
 */
@NullMarked
package io.eventgateway.server.config;

import org.jspecify.annotations.NullMarked;
