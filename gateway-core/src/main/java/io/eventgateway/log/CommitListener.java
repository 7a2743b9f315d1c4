package io.eventgateway.log;

import io.eventgateway.event.Event;
import java.util.List;

/**
 * Receives every committed batch of events, after commit, in {@code seq} order, one call at a time.
 * The log calls it from its writer; an implementation must return quickly (the hub only enqueues the batch).
 */
@FunctionalInterface
public interface CommitListener {

    /** A listener that ignores every batch. */
    CommitListener NONE = batch -> { };

    /**
     * Called once per committed batch.
     *
     * @param batch the events of one commit, in increasing {@code seq}; never empty, never modified afterwards
     */
    void onCommit(List<Event> batch);
}
