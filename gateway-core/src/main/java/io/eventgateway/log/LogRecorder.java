package io.eventgateway.log;

/**
 * What the durable event log reports to metrics: one call per group commit, never per event. Core knows only this
 * interface; the server supplies a Micrometer implementation ({@code io.eventgateway.server.metrics}). Methods are
 * called on the log's writer, the thread that limits durable throughput, so an implementation must return quickly
 * and must not block.
 *
 * <p>Every method has a no-op default; {@link #NOOP} records nothing.
 */
public interface LogRecorder {

    /** Records nothing. */
    LogRecorder NOOP = new LogRecorder() {
    };

    /**
     * A group commit succeeded.
     *
     * @param events the events the transaction appended (its batch size; 0 for a transaction of state writes only)
     * @param nanos from the moment the writer took the batch off the queue to the end of the commit
     */
    default void committed(int events, long nanos) {
    }

    /**
     * A group commit failed and was rolled back; its publishers were answered with the error.
     *
     * @param events the events the transaction would have appended
     */
    default void commitFailed(int events) {
    }
}
