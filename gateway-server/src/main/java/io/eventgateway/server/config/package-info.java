/**
 * The gateway's configuration: one tree of immutable records ({@link io.eventgateway.server.config.GatewayConfig}
 * and its parts) holding PROTOCOL.md's defaults, the typed key constants of
 * {@link io.eventgateway.server.config.ConfigKeys}, and {@link io.eventgateway.server.config.ConfigLoader},
 * which reads an optional YAML file, then {@code GATEWAY_*} environment variables, then {@code --key=value} flags.
 */
@NullMarked
package io.eventgateway.server.config;

import org.jspecify.annotations.NullMarked;
