package io.eventgateway.state;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Point-in-time reads of the domain's in-memory state without locks. A change (a plan, or its undo) runs on the
 * log's writer, one at a time, and may touch several maps (a task and its two streams); a reader that walks several
 * entries retries until no change ran during its read, so it never answers a stream whose counts disagree with its
 * task list. Writers never wait; a reader gives up retrying after {@link #MAX_RETRIES} attempts under a stream of
 * changes and answers its last read (each entry in it is still a committed or planned state).
 */
public final class Seqlock {

    /** How often a read is retried before its last attempt is answered as it is. */
    static final int MAX_RETRIES = 64;

    /** Even between changes, odd during one. */
    private final AtomicLong version = new AtomicLong();

    /** Marks the start of a change. Writer only. */
    void beginWrite() {
        version.incrementAndGet();
    }

    /** Marks the end of a change. Writer only. */
    void endWrite() {
        version.incrementAndGet();
    }

    /**
     * Runs a read until no change overlapped it.
     *
     * @param read reads the state; may run several times, must not change anything
     * @param <T> what it reads
     * @return the read
     */
    public <T> T read(Supplier<T> read) {
        for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
            long before = version.get();
            if ((before & 1) == 0) {
                T value = read.get();
                if (version.get() == before) {
                    return value;
                }
            }
            Thread.onSpinWait();
        }
        return read.get();
    }
}
