/**
 * The plumbing of state changes committed with their events ({@link io.eventgateway.log.EventLog#transact}):
 * {@link io.eventgateway.state.PlanBuilder} collects a change's rows, events and in-memory undo steps,
 * {@link io.eventgateway.state.Answer} carries a state answer with the event-log {@code seq} it reflects
 * (PROTOCOL.md section 8), and {@link io.eventgateway.state.Values} validates the values every state route shares.
 */
@NullMarked
package io.eventgateway.state;

import org.jspecify.annotations.NullMarked;
