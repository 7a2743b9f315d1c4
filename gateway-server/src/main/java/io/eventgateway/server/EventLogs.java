package io.eventgateway.server;

import io.eventgateway.log.EventLog;
import io.eventgateway.server.config.StoreConfig;
import java.time.Clock;
import reactor.core.publisher.Mono;

/** Opens the event log that {@code store.url} names. */
final class EventLogs {

    /** {@code store.url} value of the in-memory log. */
    static final String MEMORY = "memory:";

    private EventLogs() {
    }

    static Mono<EventLog> open(StoreConfig store, Clock clock) {
        String url = store.url();
        if (url.equals(MEMORY)) {
            return Mono.just(EventLog.inMemory(clock, store.retentionEvents(), store.retentionAge(),
                store.idempotencyWindow()));
        }
        return Mono.error(new StartupException("store.url '" + url + "' is not supported: use memory:", null));
    }
}
