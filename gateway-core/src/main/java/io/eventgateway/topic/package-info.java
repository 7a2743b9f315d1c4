/**
 * Topics ({@code entity:id}), the patterns clients subscribe to ({@code *}, {@code task:*},
 * {@code stream:Stream-*}, or a concrete topic), and the {@link io.eventgateway.topic.PatternIndex} that finds
 * every active pattern matching a topic without scanning them all. The grammar is PROTOCOL.md section 2.
 */
@NullMarked
package io.eventgateway.topic;

import org.jspecify.annotations.NullMarked;
