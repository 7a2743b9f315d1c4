/**
 * The {@code events} command-line tool on {@link io.eventgateway.client.GatewayClient} ({@code scripts/events}):
 * {@code events tail PATTERN...} prints one JSON line per event and resumes across gateway restarts, and
 * {@code events publish TOPIC TYPE JSON} prints the published event's seq.
 */
@NullMarked
package io.eventgateway.client.cli;

import org.jspecify.annotations.NullMarked;
