/**
 * The WebSocket protocol of PROTOCOL.md sections 3 to 6: the upgrade's checks, one {@link
 * io.eventgateway.server.ws.WsSession} per connection (decode, dispatch, heartbeat, idle timeout, rate limit,
 * message size), the client-frame decoder, and the one place that turns replies and errors into frames.
 */
@NullMarked
package io.eventgateway.server.ws;

import org.jspecify.annotations.NullMarked;
