/**
 * Events as they are published ({@link io.eventgateway.event.NewEvent}) and as the log stores them
 * ({@link io.eventgateway.event.Event}), the per-subscription {@link io.eventgateway.event.EventSelector}
 * ({@code filters} and {@code events} of PROTOCOL.md section 4), and {@link io.eventgateway.event.EventCodec},
 * which encodes an event's frame exactly once into an immutable {@link io.eventgateway.event.EncodedFrame}.
 */
@NullMarked
package io.eventgateway.event;

import org.jspecify.annotations.NullMarked;
