/**
 * The gateway's error vocabulary: {@link io.eventgateway.error.ErrorCode} holds every wire error code of
 * PROTOCOL.md section 5 with its retry rule, and {@link io.eventgateway.error.GatewayException} carries one
 * through a pipeline. Only the server's frame and REST layers turn these into frames or HTTP statuses.
 */
@NullMarked
package io.eventgateway.error;

import org.jspecify.annotations.NullMarked;
