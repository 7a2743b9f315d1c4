package io.eventgateway.state;

import io.eventgateway.event.Event;
import io.eventgateway.log.EventLog;
import java.util.List;
import java.util.Objects;

/**
 * A state answer and the event-log position it reflects (PROTOCOL.md section 8): for a read, the head read before
 * the state, so that {@code subscribe} with {@code since = seq} misses nothing; for a write, the {@code seq} of its
 * last event.
 *
 * @param value the state
 * @param seq the event-log position
 * @param <T> the state's type
 */
public record Answer<T>(T value, long seq) {

    /** Validates that the value is present. */
    public Answer {
        Objects.requireNonNull(value, "value");
    }

    /**
     * The answer of a write: the {@code seq} of its last event, or the log's head when it caused none (a change
     * that changed nothing).
     *
     * @param value the state after the write
     * @param events the write's committed events
     * @param log the log, for its head
     * @param <T> the state's type
     * @return the answer
     */
    public static <T> Answer<T> written(T value, List<Event> events, EventLog log) {
        return new Answer<>(value, events.isEmpty() ? log.headSeq() : events.get(events.size() - 1).seq());
    }
}
