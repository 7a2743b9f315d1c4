package io.eventgateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The seqlock's read protocol, step by step on one thread. */
class SeqlockTest {

    private final Seqlock seqlock = new Seqlock();

    @Test
    void aReadWithNoOverlappingChangeRunsOnce() {
        AtomicInteger calls = new AtomicInteger();
        assertThat(seqlock.read(calls::incrementAndGet)).isEqualTo(1);
        assertThat(calls).hasValue(1);
    }

    @Test
    void aReadOverlappedByAChangeRunsAgainAndAnswersTheSecondRead() {
        AtomicInteger calls = new AtomicInteger();
        int value = seqlock.read(() -> {
            int call = calls.incrementAndGet();
            if (call == 1) {
                // A whole change happens while the first read is in progress.
                seqlock.beginWrite();
                seqlock.endWrite();
            }
            return call;
        });
        assertThat(value).isEqualTo(2);
    }

    @Test
    void aReadDoesNotRunWhileAChangeIsInProgressUntilItGivesUp() {
        AtomicInteger calls = new AtomicInteger();
        seqlock.beginWrite();
        int value = seqlock.read(calls::incrementAndGet);
        assertThat(value).as("after the retries, the read runs once anyway").isEqualTo(1);
        seqlock.endWrite();
        assertThat(seqlock.read(calls::incrementAndGet)).isEqualTo(2);
    }

    @Test
    void aPlanAndItsUndoEachCountAsOneChange() {
        AtomicInteger calls = new AtomicInteger();
        var change = PlanBuilder.change(seqlock, (now, plan) -> {
            // A read from inside a change sees it in progress.
            seqlock.read(calls::incrementAndGet);
            return events -> "done";
        });
        var plan = change.plan(java.time.Instant.EPOCH);
        assertThat(calls.get()).isEqualTo(1);
        AtomicInteger during = new AtomicInteger();
        seqlock.read(() -> {
            if (during.incrementAndGet() == 1) {
                plan.undo().run();
            }
            return during.get();
        });
        assertThat(during).as("the undo overlapped the first read").hasValue(2);
    }
}
