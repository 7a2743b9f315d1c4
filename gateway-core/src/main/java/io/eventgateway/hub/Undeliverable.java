package io.eventgateway.hub;

/**
 * Stands in a pattern's sink for a committed event that cannot be encoded, so that its subscribers record it as
 * dropped instead of losing it silently (see {@code Hub.EmitToSink}).
 *
 * @param seq the event's seq
 */
record Undeliverable(long seq) {
}
