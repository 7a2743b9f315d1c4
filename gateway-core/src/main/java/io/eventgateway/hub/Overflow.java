package io.eventgateway.hub;

/**
 * The {@code overflow} message (PROTOCOL.md section 5): a connection's buffer was full and its oldest events
 * were dropped. Emitted by {@link ConnectionStream} exactly where the gap is, before the next event.
 *
 * @param dropped how many events were dropped
 * @param firstDroppedSeq the lowest dropped {@code seq}
 * @param lastDroppedSeq the highest dropped {@code seq}; every event after this message is newer
 */
public record Overflow(long dropped, long firstDroppedSeq, long lastDroppedSeq) {
}
