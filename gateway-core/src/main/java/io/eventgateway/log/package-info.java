/**
 * The event log seam: {@link io.eventgateway.log.EventLog} appends events (assigning {@code seq} in commit
 * order, durably before acknowledging), reads retained ranges for replay and history, and hands every committed
 * batch, in {@code seq} order, to one {@link io.eventgateway.log.CommitListener} (the hub).
 */
@NullMarked
package io.eventgateway.log;

import org.jspecify.annotations.NullMarked;
