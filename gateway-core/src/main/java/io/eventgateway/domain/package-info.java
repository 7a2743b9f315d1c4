/**
 * The orchestration domain of PROTOCOL.md sections 8 and 9: tasks, streams, checkpoints and agents, kept in memory
 * (readable from any thread), loaded from the store's state tables at start, and changed only through
 * {@link io.eventgateway.log.EventLog#transact}, so that every change and the events it causes commit together.
 * {@link io.eventgateway.domain.Domain} wires the services and owns the checkpoint expiry timer.
 */
@NullMarked
package io.eventgateway.domain;

import org.jspecify.annotations.NullMarked;
