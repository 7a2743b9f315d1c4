package io.eventgateway.log;

import io.eventgateway.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The idempotency keys seen within {@code store.idempotency-window}, each with the event it produced, expired
 * in the order they were seen. Not thread-safe: each log uses it from its one writer.
 */
final class IdempotencyKeys {

    private final Duration window;
    private final Map<String, Event> events = new HashMap<>();
    private final ArrayDeque<Entry> order = new ArrayDeque<>();

    IdempotencyKeys(Duration window) {
        this.window = window;
    }

    /** The event a key produced, or null when the key is new (or expired). */
    @Nullable Event find(String key) {
        return events.get(key);
    }

    /** Remembers a key from when its event was published until the window has passed. */
    void remember(String key, Event event) {
        events.put(key, event);
        order.addLast(new Entry(key, event.timestamp().plus(window)));
    }

    /** Forgets a key whose append failed, so a retry appends. */
    void forget(String key) {
        events.remove(key);
    }

    /** Drops the keys whose window has passed. */
    void expire(Instant now) {
        while (!order.isEmpty() && !order.peekFirst().expiresAt().isAfter(now)) {
            Entry entry = order.pollFirst();
            // A key forgotten and seen again has a newer entry; only drop the mapping this entry made.
            Event event = events.get(entry.key());
            if (event != null && !event.timestamp().plus(window).isAfter(now)) {
                events.remove(entry.key());
            }
        }
    }

    private record Entry(String key, Instant expiresAt) {
    }
}
