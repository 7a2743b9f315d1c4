package io.eventgateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.event.Event;
import io.eventgateway.event.EventCodec;
import io.eventgateway.log.EventLog;
import io.eventgateway.log.StateChange;
import io.eventgateway.log.StateStore;
import io.eventgateway.r2dbc.sqlite.SqliteConnectionFactory;
import io.eventgateway.testing.VirtualClock;
import io.r2dbc.spi.ConnectionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A domain on a real log (in memory, or SQLite on a file) with virtual time: one {@link VirtualTimeScheduler} is
 * both the expiry timer and, through {@link #clock}, the clock that stamps every change. Every committed event is
 * collected in commit order.
 */
final class DomainHarness implements AutoCloseable {

    /** The time the virtual clock starts at. */
    static final Instant EPOCH = Instant.parse("2026-01-08T12:00:00Z");
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The stores a domain runs on. */
    enum Store { MEMORY, SQLITE }

    final Store store;
    final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    final Clock clock = new VirtualClock(EPOCH, time);
    private final @Nullable Path file;
    private final UnaryOperator<ConnectionFactory> factoryWrapper;
    private final List<Event> events = new ArrayList<>();
    EventLog log;
    Domain domain;

    DomainHarness(Store store, Path dir) {
        this(store, dir, UnaryOperator.identity());
    }

    DomainHarness(Store store, Path dir, UnaryOperator<ConnectionFactory> factoryWrapper) {
        this.store = store;
        this.file = store == Store.SQLITE ? dir.resolve("domain.db") : null;
        this.factoryWrapper = factoryWrapper;
        open();
    }

    private void open() {
        if (file == null) {
            log = EventLog.inMemory(clock, 1_000_000, Duration.ofDays(7), Duration.ofMinutes(5));
        } else {
            ConnectionFactory factory = factoryWrapper.apply(SqliteConnectionFactory.from("r2dbc:sqlite:" + file));
            log = EventLog.r2dbc(factory, clock, 1_000_000, Duration.ofDays(7), Duration.ofMinutes(5), time)
                .block(TIMEOUT);
        }
        log.setCommitListener(batch -> {
            synchronized (events) {
                events.addAll(batch);
            }
        });
        domain = Domain.open(log, clock, time).block(TIMEOUT);
        assertThat(domain).isNotNull();
        settle();
    }

    /**
     * Waits until every change queued so far (by a timer, for instance) has committed: the durable log commits on
     * its writer thread, in queue order, so a change queued now completes after them.
     */
    void settle() {
        // A barrier committed in the same group as a change that fails fails with it: then one more settles.
        barrier().onErrorResume(error -> barrier()).block(TIMEOUT);
    }

    private Mono<Object> barrier() {
        return log.transact(now -> new StateChange.Plan<Object>(List.of(), List.of(), events -> "settled", () -> { }));
    }

    /** Closes the domain and the log and opens them again on the same file, as a restart does. */
    void restart() {
        domain.dispose();
        log.disposeLater().block(TIMEOUT);
        open();
    }

    /** The store's state tables, for recomputations from the rows; SQLite only. */
    StateStore tables() {
        assertThat(log).isInstanceOf(StateStore.class);
        return (StateStore) log;
    }

    /**
     * The events committed since the last call, in commit order, their data as a subscriber parses it from the wire
     * (so {@code 35000} is the same number whether the gateway held it as an int or a long).
     *
     * @return the events
     */
    List<Event> take() {
        List<Event> taken;
        synchronized (events) {
            taken = new ArrayList<>(events);
            events.clear();
        }
        List<Event> parsed = new ArrayList<>(taken.size());
        for (Event e : taken) {
            parsed.add(new Event(e.seq(), e.topic(), e.eventType(), e.timestamp(), wire(e.data())));
        }
        return parsed;
    }

    /** A JSON value as a client parses it from its text. */
    static ObjectNode wire(JsonNode node) {
        try {
            return (ObjectNode) EventCodec.JSON.readTree(node.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Advances virtual time (and the clock with it), running what falls due, and waits for its changes. */
    void advance(Duration duration) {
        time.advanceTimeBy(duration);
        settle();
    }

    /** The wire timestamp of the virtual time now plus an offset. */
    String at(Duration sinceEpoch) {
        return EventCodec.timestamp(EPOCH.plus(sinceEpoch));
    }

    /** Parses JSON written with single quotes, for readable expectations. */
    static ObjectNode json(String singleQuoted) {
        try {
            JsonNode node = EventCodec.JSON.readTree(singleQuoted.replace('\'', '"'));
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The types of events, for sequence assertions. */
    static List<String> types(List<Event> events) {
        List<String> types = new ArrayList<>();
        for (Event e : events) {
            types.add(e.topic().value() + " " + e.eventType());
        }
        return types;
    }

    @Override
    public void close() {
        domain.dispose();
        log.disposeLater().block(TIMEOUT);
        time.dispose();
    }
}
