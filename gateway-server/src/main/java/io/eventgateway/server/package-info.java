/**
 * The gateway process: {@link io.eventgateway.server.GatewayServer} wires the event log, the hub, the WebSocket
 * endpoint and the REST routes on one Reactor Netty HTTP server, {@link io.eventgateway.server.RunningGateway}
 * is the handle of a started gateway, and {@link io.eventgateway.server.Main} is the command line.
 */
@NullMarked
package io.eventgateway.server;

import org.jspecify.annotations.NullMarked;
