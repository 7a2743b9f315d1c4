/**
 * Agents (PROTOCOL.md section 8): their activity ({@code started}, {@code heartbeat}, {@code completed}) and the
 * handoffs of a task from one agent to another, with the {@code agent.*} events of section 9.
 */
@NullMarked
package io.eventgateway.domain.agent;

import org.jspecify.annotations.NullMarked;
