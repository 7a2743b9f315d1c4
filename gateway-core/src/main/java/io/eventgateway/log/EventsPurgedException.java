package io.eventgateway.log;

/**
 * A read found that retention purged part of its range after the read began: the events after
 * {@link #lastContiguousSeq()} up to a purged seq are gone. Never a silent skip: a replay reports it to the client
 * (PROTOCOL.md section 10 point 5), a history request reads again and answers {@code truncated: true}.
 */
public final class EventsPurgedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final long lastContiguousSeq;

    /**
     * Creates the exception.
     *
     * @param lastContiguousSeq the last seq of the range read before the missing ones
     * @param found the seq found in place of {@code lastContiguousSeq + 1}, or -1 when the range ended early
     */
    public EventsPurgedException(long lastContiguousSeq, long found) {
        super("retention purged events after seq " + lastContiguousSeq + " while they were being read"
            + (found < 0 ? "" : " (the next retained is " + found + ")"));
        this.lastContiguousSeq = lastContiguousSeq;
    }

    /**
     * The last seq of the range that was read before the missing ones.
     *
     * @return that seq
     */
    public long lastContiguousSeq() {
        return lastContiguousSeq;
    }
}
