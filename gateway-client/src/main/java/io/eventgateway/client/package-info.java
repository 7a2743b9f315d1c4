/**
 * The Java client of the Event Gateway (PROTOCOL.md): {@link io.eventgateway.client.GatewayClient} subscribes with
 * a cold {@code Flux} of {@link io.eventgateway.client.Event}s that resumes with {@code since} across reconnects
 * (no loss, no duplicates), recovers {@code overflow} gaps over REST, and publishes and reads history over REST.
 * Failures are {@link io.eventgateway.client.GatewayClientException}s carrying the protocol's
 * {@link io.eventgateway.client.ErrorCode}. Nothing here blocks: every call returns a cold publisher.
 */
@NullMarked
package io.eventgateway.client;

import org.jspecify.annotations.NullMarked;
