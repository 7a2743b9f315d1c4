package io.eventgateway.hub;

import io.eventgateway.event.Event;
import java.util.List;

/**
 * What the hub reports to metrics (after reactor-netty's {@code ChannelMetricsRecorder}): core knows only this
 * interface, the server supplies a Micrometer implementation ({@code io.eventgateway.server.metrics}).
 *
 * <p><b>Cost rule</b> (CONVENTIONS.md item 6). The hub calls each method once per <em>batch</em>, never per
 * delivery: {@link #dispatched} once per committed batch on the dispatcher thread, {@link #written} at most once
 * per event-loop batch. Delivered and dropped counts are not reported here at all: the hub and each
 * {@link ConnectionStream} keep them already, and metrics read them at scrape time. An implementation must return
 * quickly and must not block: it runs on the dispatcher thread and on Netty event loops.
 *
 * <p>Every method has a no-op default; {@link #NOOP} records nothing.
 */
public interface HubRecorder {

    /** Records nothing; the hub then does not even read the clock for {@link #written}. */
    HubRecorder NOOP = new HubRecorder() {
    };

    /**
     * A committed batch was dispatched to the matching connections. Dispatcher thread only, once per batch.
     *
     * @param batch the batch's events, in increasing {@code seq}; not to be kept
     */
    default void dispatched(List<Event> batch) {
    }

    /**
     * An event loop handed the queued items of its dirty connections to their sockets. Called at most once per
     * loop batch, with the age of the oldest commit that made the batch due: one sample per batch rather than one
     * per delivered event (1,000 subscribers would mean 1,000 samples per event), and the one that bounds the
     * batch's other deliveries from above.
     *
     * @param commitToWriteNanos nanoseconds from the event log's commit to the end of the loop's drain
     */
    default void written(long commitToWriteNanos) {
    }

    /**
     * Whether this recorder records anything; when false the hub skips the clock reads that only
     * {@link #written} needs.
     *
     * @return false for {@link #NOOP}
     */
    default boolean enabled() {
        return this != NOOP;
    }
}
