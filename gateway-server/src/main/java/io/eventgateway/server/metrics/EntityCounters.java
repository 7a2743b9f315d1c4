package io.eventgateway.server.metrics;

import io.eventgateway.event.Event;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * Events published per entity, at most {@link GatewayMeters#MAX_ENTITY_TAGS} entities and then {@code other}, so
 * that a publisher inventing entities cannot grow the scrape without bound.
 *
 * <p><b>Cost.</b> {@link #count} runs on the hub's dispatcher, once per committed batch: per event one lookup of
 * the entity in this class's own map (never a Micrometer tag lookup: no {@code Meter.Id} is built) and one
 * single-writer increment (a release store, no atomic read-modify-write). A new entity is registered with
 * Micrometer at the next scrape, off the dispatcher.
 */
final class EntityCounters {

    static final String OTHER = "other";

    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final Queue<Slot> unregistered = new ConcurrentLinkedQueue<>();
    private final Slot other = new Slot(OTHER);
    private final int maxEntities;

    EntityCounters(int maxEntities) {
        this.maxEntities = maxEntities;
        unregistered.add(other);
    }

    /** Counts a batch by entity. One thread at a time (the hub's dispatcher). */
    void count(List<Event> batch) {
        for (int i = 0; i < batch.size(); i++) {
            slotOf(batch.get(i).topic().entity()).increment();
        }
    }

    private Slot slotOf(String entity) {
        Slot slot = slots.get(entity);
        if (slot != null) {
            return slot;
        }
        if (slots.size() >= maxEntities) {
            return other;
        }
        slot = new Slot(entity);
        slots.put(entity, slot);
        unregistered.add(slot);
        return slot;
    }

    /** Registers a counter for every entity seen since the last call. Any thread. */
    void registerNew(MeterRegistry registry) {
        Slot slot;
        while ((slot = unregistered.poll()) != null) {
            FunctionCounter.builder(GatewayMeters.EVENTS_PUBLISHED.meterName(), slot, Slot::value)
                .description(GatewayMeters.EVENTS_PUBLISHED.description())
                .tag("entity", slot.entity)
                .register(registry);
        }
    }

    /**
     * The count of one entity tag value.
     *
     * @param entity the entity, or {@link #OTHER}
     * @return the count, 0 when never seen
     */
    long count(String entity) {
        Slot slot = entity.equals(OTHER) ? other : slots.get(entity);
        return slot == null ? 0 : slot.count;
    }

    /** One entity's count: written by one thread, read by scrapes. */
    static final class Slot {
        private static final AtomicLongFieldUpdater<Slot> COUNT = AtomicLongFieldUpdater.newUpdater(Slot.class,
            "count");
        final String entity;
        private volatile long count;

        Slot(String entity) {
            this.entity = entity;
        }

        void increment() {
            COUNT.lazySet(this, count + 1);
        }

        double value() {
            return count;
        }
    }
}
